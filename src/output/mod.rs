//! Writing articles: Markdown with TOML front matter (default), JSON, or plain text,
//! under names that are deterministic and can never leave the output folder.

mod atomic;
mod markdown;
mod naming;
mod text;

pub use atomic::{sync_dir, write_atomic, write_renamed};
pub use markdown::{parse_markdown, render_markdown};
pub use naming::{file_name, fit_name, NAME_MAX};
pub use text::render_text;

use crate::article::Article;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[derive(clap::ValueEnum)]
pub enum Format {
    #[default]
    Markdown,
    Json,
    /// Title, subtitle and body as plain text: no metadata.
    Text,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Text => "txt",
        }
    }
}

/// The article as the bytes of an output file.
pub fn render(article: &Article, format: Format) -> String {
    match format {
        Format::Markdown => render_markdown(article),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(article).expect("articles always serialise");
            s.push('\n');
            s
        }
        Format::Text => render_text(article),
    }
}

/// The article as one line of JSON (for `--stdout --format json`).
pub fn json_line(article: &Article) -> String {
    serde_json::to_string(article).expect("articles always serialise")
}
