//! Diagnostics: what the loader and the model builder found odd or wrong, and where.

use crate::position::Position;
use std::fmt;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// No sensible reading exists; the affected part is left out of the result.
    Error,
    /// Odd or wrong, but read past in a documented way.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One finding, tied to a file, a line:column and a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable kebab-case code, e.g. `unknown-format`.
    pub code: &'static str,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The file as the user named it (a path or URL).
    pub file: String,
    /// Where in the file (1-based line and column).
    pub position: Position,
    /// The JSON pointer of the node concerned (`""` is the whole document).
    pub pointer: String,
}

impl Diagnostic {
    /// A diagnostic about a whole file (position 1:1, empty pointer), e.g. one that could not
    /// be fetched.
    pub fn about_file(
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        file: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: file.into(),
            position: Position { line: 1, column: 1 },
            pointer: String::new(),
        }
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: warning[code]: message (at #/pointer)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}[{}]: {} (at #{})",
            self.file, self.position, self.severity, self.code, self.message, self.pointer
        )
    }
}

/// Renders a diagnostic with the source line it points at, compiler style.
pub fn render(d: &Diagnostic, source_line: Option<&str>) -> String {
    let mut out = format!(
        "{}[{}]: {}\n  --> {}:{} (#{})\n",
        d.severity, d.code, d.message, d.file, d.position, d.pointer
    );
    if let Some(line) = source_line {
        let num = d.position.line.to_string();
        let pad = " ".repeat(num.len());
        // Long lines (minified JSON) are cut around the column.
        let col = d.position.column.saturating_sub(1) as usize;
        let chars: Vec<char> = line.chars().collect();
        let start = col.saturating_sub(60);
        let end = (col + 60).min(chars.len());
        let shown: String = chars
            .get(start..end)
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        let prefix = if start > 0 { "…" } else { "" };
        let caret_at = col - start + prefix.chars().count();
        out.push_str(&format!(
            "{pad} |\n{num} | {prefix}{shown}\n{pad} | {}^\n",
            " ".repeat(caret_at)
        ));
    }
    out
}
