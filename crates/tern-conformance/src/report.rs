//! The figures: per document and mode, what was tried and how it ended; the failures with
//! their messages; the text table and the JSON summary.

use serde::Serialize;
use std::fmt::Write as _;

/// Which arguments a call is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// The required arguments only.
    RequiredOnly,
    /// Every argument.
    AllArguments,
}

impl Mode {
    /// Both, in the order they run.
    pub const BOTH: [Mode; 2] = [Mode::RequiredOnly, Mode::AllArguments];

    /// Its short name (`required`, `all`).
    pub fn short(self) -> &'static str {
        match self {
            Mode::RequiredOnly => "required",
            Mode::AllArguments => "all",
        }
    }

    /// How tables name it.
    pub fn label(self) -> &'static str {
        match self {
            Mode::RequiredOnly => "required arguments only",
            Mode::AllArguments => "all arguments",
        }
    }
}

/// How calls in one mode ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Calls made (operations with values generated).
    pub tried: usize,
    /// Accepted by Prism (2xx).
    pub accepted: usize,
    /// Refused by Tern before sending (argument validation, binding).
    pub refused_by_tern: usize,
    /// Rejected by Prism (4xx).
    pub rejected_by_prism: usize,
    /// Failed otherwise (5xx, connection, timeout).
    pub other: usize,
    /// Failures where the plain request with the same values passed: Tern's.
    pub tern_failures: usize,
    /// Failures where the plain request failed too: the spec's or Prism's.
    pub spec_defects: usize,
    /// Operations no values could be generated for (not tried).
    pub no_value: usize,
    /// Accepted calls whose response Prism made from the spec is invalid (a spec defect
    /// outside the request; counted as accepted too).
    pub bad_responses: usize,
}

impl Counts {
    /// Adds another's figures.
    pub fn add(&mut self, o: &Counts) {
        self.tried += o.tried;
        self.accepted += o.accepted;
        self.refused_by_tern += o.refused_by_tern;
        self.rejected_by_prism += o.rejected_by_prism;
        self.other += o.other;
        self.tern_failures += o.tern_failures;
        self.spec_defects += o.spec_defects;
        self.no_value += o.no_value;
        self.bad_responses += o.bad_responses;
    }
}

/// What a failure is attributed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Blame {
    /// The plain request passed: Tern's.
    Tern,
    /// The plain request failed too: the spec's (or Prism's).
    Spec,
    /// No values generated.
    NoValue,
    /// The request was accepted; the response Prism made from the spec is invalid.
    Response,
}

/// One call that did not pass.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The document.
    pub document: String,
    /// `METHOD /path`.
    pub operation: String,
    /// Tern's name for it (`resource.method`).
    pub method: String,
    /// The mode.
    pub mode: Mode,
    /// Whose it is.
    pub blame: Blame,
    /// What Tern's call got (`refused by Tern: …`, `rejected by Prism: 422 query.limit: …`).
    pub message: String,
    /// What the plain request got (`accepted (200)`, or the violation).
    pub plain: Option<String>,
}

/// One document's figures.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    /// The document, as named on the command line or under the directory given.
    pub document: String,
    /// Why it was not run (`prism could not load: …`, `tern could not load: …`).
    pub status: Option<String>,
    /// How it was run differently, when it was (`prism given a copy …`).
    pub note: Option<String>,
    /// Its operations.
    pub operations: usize,
    /// Required arguments only.
    pub required_only: Counts,
    /// All arguments.
    pub all_arguments: Counts,
    /// The calls that did not pass.
    pub failures: Vec<Failure>,
    /// Wall-clock seconds spent on it (Prism's start included).
    pub seconds: f64,
}

impl DocumentReport {
    /// An empty report for a document.
    pub fn new(document: String) -> DocumentReport {
        DocumentReport {
            document,
            status: None,
            note: None,
            operations: 0,
            required_only: Counts::default(),
            all_arguments: Counts::default(),
            failures: Vec::new(),
            seconds: 0.0,
        }
    }

    /// The figures of one mode.
    pub fn counts(&self, mode: Mode) -> &Counts {
        match mode {
            Mode::RequiredOnly => &self.required_only,
            Mode::AllArguments => &self.all_arguments,
        }
    }

    /// The figures of one mode, to update.
    pub fn counts_mut(&mut self, mode: Mode) -> &mut Counts {
        match mode {
            Mode::RequiredOnly => &mut self.required_only,
            Mode::AllArguments => &mut self.all_arguments,
        }
    }
}

/// A whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Per document, in the order given.
    pub documents: Vec<DocumentReport>,
    /// Sums over the documents, required arguments only.
    pub required_only: Counts,
    /// Sums over the documents, all arguments.
    pub all_arguments: Counts,
    /// Tern failures per call tried, in percent, both modes together.
    pub tern_failure_percent: f64,
    /// Documents not run (Prism or Tern could not load them).
    pub documents_not_run: usize,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
}

impl Summary {
    /// Sums the documents' figures.
    pub fn new(documents: Vec<DocumentReport>, seconds: f64) -> Summary {
        let mut required_only = Counts::default();
        let mut all_arguments = Counts::default();
        for d in &documents {
            required_only.add(&d.required_only);
            all_arguments.add(&d.all_arguments);
        }
        let tried = required_only.tried + all_arguments.tried;
        let failed = required_only.tern_failures + all_arguments.tern_failures;
        let tern_failure_percent = if tried == 0 {
            0.0
        } else {
            100.0 * failed as f64 / tried as f64
        };
        let documents_not_run = documents.iter().filter(|d| d.status.is_some()).count();
        Summary {
            documents,
            required_only,
            all_arguments,
            tern_failure_percent,
            documents_not_run,
            seconds,
        }
    }

    /// Every failure of one kind, in document order.
    pub fn failures(&self, blame: Blame) -> impl Iterator<Item = &Failure> {
        self.documents
            .iter()
            .flat_map(|d| &d.failures)
            .filter(move |f| f.blame == blame)
    }

    /// The JSON summary: the figures, and the Tern failures, spec defects and operations
    /// without values listed apart.
    pub fn to_json(&self) -> serde_json::Value {
        let list =
            |b| serde_json::to_value(self.failures(b).collect::<Vec<_>>()).unwrap_or_default();
        let documents: Vec<serde_json::Value> = self
            .documents
            .iter()
            .map(|d| {
                serde_json::json!({
                    "document": d.document,
                    "status": d.status,
                    "note": d.note,
                    "operations": d.operations,
                    "required_only": d.required_only,
                    "all_arguments": d.all_arguments,
                    "seconds": (d.seconds * 10.0).round() / 10.0,
                })
            })
            .collect();
        serde_json::json!({
            "documents": documents,
            "totals": {
                "operations": self.documents.iter().map(|d| d.operations).sum::<usize>(),
                "required_only": self.required_only,
                "all_arguments": self.all_arguments,
                "tern_failure_percent": self.tern_failure_percent,
                "documents_not_run": self.documents_not_run,
                "seconds": (self.seconds * 10.0).round() / 10.0,
            },
            "tern_failures": list(Blame::Tern),
            "spec_defects": list(Blame::Spec),
            "no_value": list(Blame::NoValue),
            "bad_responses": list(Blame::Response),
        })
    }

    /// The text tables (one per mode, with totals), then the Tern failures.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let width = self
            .documents
            .iter()
            .map(|d| d.document.chars().count())
            .max()
            .unwrap_or(8)
            .clamp(8, 48);
        for mode in Mode::BOTH {
            let _ = writeln!(out, "\n== {} ==", mode.label());
            let _ = writeln!(
                out,
                "{:<width$} {:>5} {:>6} {:>8} {:>7} {:>8} {:>5} {:>5} {:>5} {:>7} {:>8}",
                "document",
                "ops",
                "tried",
                "accepted",
                "refused",
                "rejected",
                "other",
                "tern",
                "spec",
                "novalue",
                "bad-resp"
            );
            let row = |out: &mut String, name: &str, ops: usize, c: &Counts| {
                let name: String = if name.chars().count() > width {
                    let tail: Vec<char> = name.chars().rev().take(width - 1).collect();
                    std::iter::once('…').chain(tail.into_iter().rev()).collect()
                } else {
                    name.to_owned()
                };
                let _ = writeln!(
                    out,
                    "{name:<width$} {ops:>5} {:>6} {:>8} {:>7} {:>8} {:>5} {:>5} {:>5} {:>7} {:>8}",
                    c.tried,
                    c.accepted,
                    c.refused_by_tern,
                    c.rejected_by_prism,
                    c.other,
                    c.tern_failures,
                    c.spec_defects,
                    c.no_value,
                    c.bad_responses
                );
            };
            for d in &self.documents {
                match &d.status {
                    Some(s) => {
                        let _ = writeln!(out, "{:<width$} {:>5} {s}", d.document, d.operations);
                    }
                    None => row(&mut out, &d.document, d.operations, d.counts(mode)),
                }
            }
            let totals = match mode {
                Mode::RequiredOnly => &self.required_only,
                Mode::AllArguments => &self.all_arguments,
            };
            let ops = self.documents.iter().map(|d| d.operations).sum();
            row(&mut out, "TOTAL", ops, totals);
        }
        let _ = writeln!(
            out,
            "\nrefused: by Tern before sending; rejected: by Prism (4xx); other: 5xx, connection, \
             timeout; tern: Tern failures (the plain request passed); spec: spec defects (it \
             failed too); novalue: no value generated (not tried); bad-resp: accepted, but the \
             response Prism made from the spec is invalid"
        );
        for d in &self.documents {
            if let Some(n) = &d.note {
                let _ = writeln!(out, "note: {}: {n}", d.document);
            }
        }
        let tern: Vec<&Failure> = self.failures(Blame::Tern).collect();
        if !tern.is_empty() {
            let _ = writeln!(out, "\n== Tern failures ({}) ==", tern.len());
            for f in tern {
                let _ = writeln!(
                    out,
                    "{} {} [{}; {}]: {} | plain: {}",
                    f.document,
                    f.operation,
                    f.method,
                    f.mode.short(),
                    f.message,
                    f.plain.as_deref().unwrap_or("-")
                );
            }
        }
        let _ = writeln!(
            out,
            "\nTern failures: {:.2}% of {} calls; {} document(s) not run; {:.1} s",
            self.tern_failure_percent,
            self.required_only.tried + self.all_arguments.tried,
            self.documents_not_run,
            self.seconds
        );
        out
    }
}
