//! Replies as Discord messages: embeds within Discord's limits, Markdown escaped,
//! mentions that never ping.

use super::*;

/// Mentions never ping: no `parse`, no users, no roles.
pub(super) fn quiet() -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new().allowed_mentions(CreateAllowedMentions::new())
}

/// A reply as an interaction response message.
pub fn message(reply: &Reply) -> CreateInteractionResponse {
    let rendered = render(reply);
    let mut msg = quiet().ephemeral(rendered.ephemeral);
    if let Some(content) = rendered.content {
        msg = msg.content(content);
    }
    if let Some(embed) = rendered.embed {
        msg = msg.embed(embed);
    }
    if !rendered.buttons.is_empty() {
        msg = msg.components(vec![CreateActionRow::Buttons(rendered.buttons)]);
    }
    CreateInteractionResponse::Message(msg)
}

/// A reply as an edit of a deferred response.
pub(super) fn edit(reply: &Reply) -> EditInteractionResponse {
    let rendered = render(reply);
    let mut edit = EditInteractionResponse::new().allowed_mentions(CreateAllowedMentions::new());
    if let Some(content) = rendered.content {
        edit = edit.content(content);
    }
    if let Some(embed) = rendered.embed {
        edit = edit.embed(embed);
    }
    edit
}

/// What a reply looks like on Discord, before it goes into a response or an edit.
pub(super) struct Rendered {
    pub(super) content: Option<String>,
    pub(super) embed: Option<CreateEmbed>,
    pub(super) buttons: Vec<CreateButton>,
    pub(super) ephemeral: bool,
}

pub(super) fn render(reply: &Reply) -> Rendered {
    let text = |content: String, ephemeral| Rendered {
        content: Some(cut(&content, limits::CONTENT)),
        embed: None,
        buttons: Vec::new(),
        ephemeral,
    };
    match reply {
        Reply::Answer(answer) => render_answer(answer),
        Reply::Passages { query, page, found } => {
            let mut embed = Embed::new(format!("Passages for “{}”", escape(query)));
            if found.is_empty() {
                embed.description("No passage matches.".into());
            }
            let first = page * bot::SEARCH_LIMIT;
            for (n, f) in found.iter().enumerate() {
                let marked = bolded(&render::pieces(&f.text, &f.highlights));
                embed.field(
                    format!("[{}] {}", first + n + 1, render::citation(&f.source)),
                    marked,
                );
            }
            // The page and the query ride in the custom id; no button that cannot carry them.
            let buttons = [
                (page.checked_sub(1), "◀ Previous"),
                (
                    (found.len() == bot::SEARCH_LIMIT).then_some(page + 1),
                    "Next ▶",
                ),
            ]
            .into_iter()
            .filter_map(|(to, label)| Some((format!("search:{}:{query}", to?), label)))
            .filter(|(id, _)| id.len() <= limits::CUSTOM_ID)
            .map(|(id, label)| {
                CreateButton::new(id)
                    .label(label)
                    .style(ButtonStyle::Secondary)
            })
            .collect();
            embed.rendered(buttons)
        }
        Reply::Sources { report, feeds } => {
            let mut embed = Embed::new("Sources".into());
            embed.description(sources_text(report));
            for feed in feeds {
                embed.field(
                    format!("Feed `{}`", feed.id),
                    escape(&format!(
                        "{}\n{}",
                        feed.url,
                        feed.last_error
                            .as_deref()
                            .map_or_else(|| "polling".to_string(), |e| format!("last error: {e}"))
                    )),
                );
            }
            embed.rendered(Vec::new())
        }
        Reply::Help { commands } => {
            let mut out = String::from("Ask with `/ask`, or:\n");
            for (usage, summary) in render::help(commands) {
                let _ = writeln!(out, "`/{usage}` — {summary}");
            }
            text(out, true)
        }
        Reply::Reindexed(report) => text(crate::chat::console::summary(report), false),
        Reply::Error(error) => text(format!("Sorry: {error}."), true),
        // The rest are short texts; the console's wording, made inert for Markdown.
        other => text(
            escape(&crate::chat::console::render(other, Emphasis::Plain)),
            false,
        ),
    }
}

pub(super) fn render_answer(response: &Answer) -> Rendered {
    let mut embed = Embed::new(cut(&escape(&response.question), limits::EMBED_TITLE));
    let (answer, span, date, sources, differ) = match (&response.answer, AnswerView::of(response)) {
        (
            Some(answer),
            AnswerView::Answer {
                span,
                date,
                sources,
                differ,
            },
        ) => (answer, span, date, sources, differ),
        (_, view) => {
            embed.description("**No answer:** none of the sources says that.".into());
            let AnswerView::NoAnswer { nearest } = view else {
                return embed.rendered(Vec::new());
            };
            let nearest: Vec<String> = nearest
                .iter()
                .map(|q| format!("[{}] {} — {}", q.number, bolded(&q.quote), citation_line(q)))
                .collect();
            if !nearest.is_empty() {
                embed.field("Nearest passages".into(), nearest.join("\n"));
            }
            return embed.rendered(Vec::new());
        }
    };
    let mut description = String::new();
    if let Some(span) = span {
        let _ = write!(description, "**{}**", escape(span));
        if let Some(date) = date {
            let _ = write!(description, " (= {date})");
        }
        description.push('\n');
    }
    let _ = write!(
        description,
        "> {}",
        bolded(&sources[0].quote).replace('\n', "\n> ")
    );
    embed.description(description);
    let citations: Vec<String> = sources
        .iter()
        .map(|q| format!("[{}] {}{}", q.number, citation_line(q), verdict(q)))
        .collect();
    embed.field("Sources".into(), citations.join("\n"));
    if !differ.is_empty() {
        embed.field("Sources differ".into(), escape(&differ.join(", ")));
    }
    // A button's state is its custom id (at most 100 characters): no button that cannot
    // carry it.
    let buttons = [
        (
            format!("passage:{}:{}", answer.source.id, answer.passage),
            "Show passage",
            true,
        ),
        (
            format!("others:{}", response.question),
            "Other sources",
            !response.also.is_empty(),
        ),
    ]
    .into_iter()
    .filter(|(id, _, wanted)| *wanted && id.len() <= limits::CUSTOM_ID)
    .map(|(id, label, _)| {
        CreateButton::new(id)
            .label(label)
            .style(ButtonStyle::Secondary)
    })
    .collect();
    embed.rendered(buttons)
}

/// What the other sources say (or, without an answer, the nearest passages), each quoted.
pub(super) fn render_others(response: &Answer) -> Rendered {
    let title = format!("Other sources: {}", escape(&response.question));
    let mut embed = Embed::new(title);
    let entries: Vec<Quoted> = match AnswerView::of(response) {
        AnswerView::Answer { sources, .. } => sources.into_iter().skip(1).collect(),
        AnswerView::NoAnswer { nearest } => nearest,
    };
    if entries.is_empty() {
        embed.description("No other source says anything on this.".into());
    }
    for q in &entries {
        let quote = format!("> {}\n{}", bolded(&q.quote), citation_line(q));
        embed.field(format!("[{}]{}", q.number, verdict(q)), quote);
    }
    embed.rendered(Vec::new())
}

/// " — agrees", " — differs" or nothing.
pub(super) fn verdict(quoted: &Quoted) -> String {
    quoted
        .verdict
        .map(|v| format!(" — {v}"))
        .unwrap_or_default()
}

/// "title (id), outlet, date", the title linked where there is a URL.
pub(super) fn citation_line(quoted: &Quoted) -> String {
    let text = escape(&quoted.citation);
    let linked = match quoted.link {
        Some(url) => format!("[{text}]({})", url.replace(')', "%29")),
        None => text,
    };
    match &quoted.copies {
        Some(copies) => format!("{linked}; {}", escape(copies)),
        None => linked,
    }
}

pub(super) fn sources_text(report: &BuildReport) -> String {
    let mut out = String::new();
    for s in &report.sources {
        let line = match &s.error {
            None => format!(
                "`{}` — {} passages, {}{}\n",
                s.id,
                s.passages,
                s.published
                    .map_or_else(|| "undated".into(), |d| d.to_string()),
                s.outlet
                    .as_deref()
                    .map(|o| format!(", {}", escape(o)))
                    .unwrap_or_default()
            ),
            Some(error) => format!("`{}` — skipped: {}\n", s.file, escape(error)),
        };
        out.push_str(&line);
    }
    out
}

/// Pieces of text, the emphasised ones in bold, every part escaped.
pub(super) fn bolded(pieces: &[Piece]) -> String {
    render::markup(pieces, escape, |t| format!("**{t}**"))
}

/// Article text made inert: Markdown characters escaped, and mentions broken with a
/// zero-width space so they cannot even look like pings.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '[' | ']' | '#' | '<'
        ) {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push('\u{200b}');
        }
    }
    out
}

/// An embed under construction that keeps within Discord's limits.
pub(super) struct Embed {
    title: String,
    description: Option<String>,
    fields: Vec<(String, String)>,
}

impl Embed {
    fn new(title: String) -> Self {
        Embed {
            title: cut(&title, limits::EMBED_TITLE),
            description: None,
            fields: Vec::new(),
        }
    }

    fn description(&mut self, text: String) {
        self.description = Some(cut(&text, limits::EMBED_DESCRIPTION));
    }

    fn field(&mut self, name: String, value: String) {
        self.fields.push((
            cut(&name, limits::FIELD_NAME),
            cut(&value, limits::FIELD_VALUE),
        ));
    }

    /// The embed, cut to 6000 characters in all: the description gives way first, then
    /// fields from the last.
    fn rendered(mut self, buttons: Vec<CreateButton>) -> Rendered {
        let total = |e: &Embed| {
            e.title.chars().count()
                + e.description.as_deref().map_or(0, |d| d.chars().count())
                + e.fields
                    .iter()
                    .map(|(n, v)| n.chars().count() + v.chars().count())
                    .sum::<usize>()
        };
        while total(&self) > limits::EMBED_TOTAL {
            let excess = total(&self) - limits::EMBED_TOTAL;
            match &self.description {
                Some(d) if d.chars().count() > excess + 100 => {
                    self.description = Some(cut(d, d.chars().count() - excess - 1));
                }
                _ if !self.fields.is_empty() => {
                    self.fields.pop();
                }
                _ => {
                    let d = self.description.take().unwrap_or_default();
                    self.description = Some(cut(
                        &d,
                        limits::EMBED_TOTAL.saturating_sub(self.title.chars().count() + 1),
                    ));
                    break;
                }
            }
        }
        let mut embed = CreateEmbed::new().colour(ACCENT).title(self.title);
        if let Some(d) = self.description {
            embed = embed.description(d);
        }
        for (name, value) in self.fields {
            embed = embed.field(name, value, false);
        }
        Rendered {
            content: None,
            embed: Some(embed),
            buttons,
            ephemeral: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_answer() {
        let response = render::disputed_answer();
        let json = serde_json::to_value(message(&Reply::Answer(Box::new(response.clone()))));
        let json = json.unwrap();
        assert_eq!(
            json["data"]["allowed_mentions"]["parse"],
            serde_json::json!([])
        );
        insta::assert_json_snapshot!("answer", json);
        let others = render_others(&response).embed.map(serde_json::to_value);
        insta::assert_json_snapshot!("others", others.unwrap().unwrap());
    }

    #[test]
    fn escapes_markdown_and_mentions() {
        assert_eq!(
            escape("*bold* @here <@&1>"),
            "\\*bold\\* @\u{200b}here \\<@\u{200b}&1\\>"
        );
    }
}
