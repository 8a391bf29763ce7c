//! copydesk: cleans raw scraped news-article dumps into tagged articles.
//!
//! The data path reads top to bottom, one module a stage:
//!
//! 1. [`input`] reads a dump (text, HTML or JSON envelope), decodes its bytes ([`charset`])
//!    and normalises it;
//! 2. [`site`] finds the site it came from, using the [`rules`] folder;
//! 3. [`clean`] applies that site's rules and the generic ones (English and the dump's
//!    language);
//! 4. [`metadata`] finds title, subtitle, authors and date, and where each came from,
//!    claiming the lines it reads before the body is finished;
//! 5. [`output`] writes the [`article::Article`] as Markdown or JSON.
//!
//! [`engine::Engine`] ties the stages together; the CLI, the service, tests and
//! benchmarks all go through it. [`service`] is `copydesk run`, which feeds the engine
//! from a watched inbox; [`parallel`] spreads many dumps over threads for `clean` and
//! `batch`, keeping their order.

pub mod article;
pub mod authoring;
pub mod batch;
pub mod charset;
pub mod clean;
pub mod engine;
pub mod eval;
pub mod harness;
pub mod input;
pub mod kind;
pub mod language;
pub mod learn;
pub mod metadata;
pub mod normalize;
pub mod output;
pub mod panics;
pub mod parallel;
pub mod rules;
pub mod service;
pub mod site;

pub use article::Article;
pub use engine::{Engine, Options};
pub use rules::RuleSet;
