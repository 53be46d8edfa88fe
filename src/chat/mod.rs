//! Chat adapters: each translates its platform's messages into `bot` commands and renders
//! `bot::Reply` its own way. Only this module talks to chat platforms.

pub mod console;
pub mod discord;
pub mod matrix;
pub mod render;

/// Cuts text to at most `max` characters: at the last sentence end that fits, else at the
/// last word, with an ellipsis; never mid-word.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let budget: String = text.chars().take(max.saturating_sub(1)).collect();
    let sentence_end = budget
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && budget[i + c.len_utf8()..].starts_with(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .next_back();
    let end = match sentence_end {
        Some(end) if end > budget.len() / 2 => end,
        _ => budget.rfind(char::is_whitespace).unwrap_or(budget.len()),
    };
    format!("{}…", budget[..end].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_sentences_then_words() {
        assert_eq!(cut("Short.", 10), "Short.");
        assert_eq!(cut("One two three. Four five six.", 20), "One two three.…");
        // A sentence end that would keep less than half gives way to the last word.
        assert_eq!(cut("One two. Three four five six.", 20), "One two. Three…");
        assert_eq!(cut("Alpha beta gamma delta epsilon", 14), "Alpha beta…");
        let long = "word ".repeat(1000);
        let out = cut(&long, 100);
        assert!(out.chars().count() <= 100 && out.ends_with("word…"));
    }
}
