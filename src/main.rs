fn main() -> anyhow::Result<()> {
    let settings = sitrep::config::Settings::from_env()?;
    let layout = sitrep::index::Layout::new(&settings.index_dir);
    let index = sitrep::index::open_or_build(&layout, settings.max_source_bytes, || eprintln!("building"))?;
    let stdin = std::io::stdin();
    for line in std::io::BufRead::lines(stdin.lock()) {
        let r = sitrep::answer::ask(&index, &line?)?;
        println!("{}", serde_json::to_string(&r)?);
    }
    Ok(())
}
