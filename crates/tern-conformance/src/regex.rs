//! Strings made from a regular expression (the ECMA-262 subset API descriptions use: literals,
//! classes, `\d` `\w` `\s`, groups, alternation, quantifiers, anchors; lookarounds are ignored,
//! back-references give up), with a few strategies for repetition counts and branches. The
//! caller checks each against the real expression.

/// One element of a sequence.
#[derive(Debug, Clone)]
enum Node {
    /// Matches the empty string (anchors, lookarounds, word boundaries).
    Empty,
    Char(char),
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
    /// `.`
    Any,
    /// Alternatives, each a sequence.
    Group(Vec<Vec<Piece>>),
}

/// A node with its repetition bounds.
#[derive(Debug, Clone)]
struct Piece {
    node: Node,
    min: u32,
    max: Option<u32>,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// Alternatives up to a `)` or the end.
    fn alternatives(&mut self) -> Option<Vec<Vec<Piece>>> {
        let mut alts = vec![Vec::new()];
        while let Some(c) = self.peek() {
            match c {
                ')' => break,
                '|' => {
                    self.pos += 1;
                    alts.push(Vec::new());
                }
                _ => {
                    let node = self.atom()?;
                    let (min, max) = self.quantifier();
                    alts.last_mut()?.push(Piece { node, min, max });
                }
            }
        }
        Some(alts)
    }

    fn atom(&mut self) -> Option<Node> {
        Some(match self.next()? {
            '^' | '$' => Node::Empty,
            '.' => Node::Any,
            '\\' => self.escape()?,
            '[' => self.class()?,
            '(' => self.group()?,
            c => Node::Char(c),
        })
    }

    fn group(&mut self) -> Option<Node> {
        let mut skip = false;
        if self.eat('?') {
            match self.next()? {
                ':' => {}
                '=' | '!' => skip = true,
                '<' if matches!(self.peek(), Some('=' | '!')) => {
                    self.pos += 1;
                    skip = true;
                }
                '<' | 'P' => {
                    self.eat('<');
                    while self.next()? != '>' {}
                }
                _ => {
                    // Inline flags: `(?i)` or `(?i:…)`.
                    while let Some(c) = self.next() {
                        if c == ')' {
                            return Some(Node::Empty);
                        }
                        if c == ':' {
                            break;
                        }
                    }
                }
            }
        }
        let alts = self.alternatives()?;
        if !self.eat(')') {
            return None;
        }
        Some(if skip { Node::Empty } else { Node::Group(alts) })
    }

    fn hex(&mut self, digits: usize) -> Option<char> {
        let braced = digits == 4 && self.eat('{');
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if (braced && c == '}') || (!braced && s.len() == digits) || !c.is_ascii_hexdigit() {
                break;
            }
            s.push(c);
            self.pos += 1;
        }
        if braced && !self.eat('}') {
            return None;
        }
        char::from_u32(u32::from_str_radix(&s, 16).ok()?)
    }

    /// What an escape means outside (`class` false) or inside a class: a node, or the ranges
    /// it adds to the class.
    fn escape_ranges(&mut self) -> Option<Vec<(char, char)>> {
        let c = self.next()?;
        Some(match c {
            'd' => vec![('0', '9')],
            'w' => vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')],
            's' => vec![(' ', ' ')],
            'D' | 'S' => vec![('a', 'a')],
            'W' => vec![('-', '-')],
            'n' => vec![('\n', '\n')],
            't' => vec![('\t', '\t')],
            'r' => vec![('\r', '\r')],
            'f' => vec![('\u{c}', '\u{c}')],
            'v' => vec![('\u{b}', '\u{b}')],
            '0' => vec![('\0', '\0')],
            'u' => {
                let c = self.hex(4)?;
                vec![(c, c)]
            }
            'x' => {
                let c = self.hex(2)?;
                vec![(c, c)]
            }
            'p' | 'P' => {
                let mut name = String::new();
                if self.eat('{') {
                    while let Some(c) = self.next() {
                        if c == '}' {
                            break;
                        }
                        name.push(c);
                    }
                }
                let digit = name.starts_with('N') || name.contains("Digit");
                match (c, digit) {
                    ('p', true) => vec![('0', '9')],
                    ('p', false) => vec![('a', 'z')],
                    _ => vec![('-', '-')],
                }
            }
            // Back-references and control characters: not made up.
            '1'..='9' | 'k' | 'c' => return None,
            other => vec![(other, other)],
        })
    }

    fn escape(&mut self) -> Option<Node> {
        if matches!(self.peek(), Some('b' | 'B')) {
            self.pos += 1;
            return Some(Node::Empty);
        }
        let ranges = self.escape_ranges()?;
        Some(match ranges.as_slice() {
            [(a, b)] if a == b => Node::Char(*a),
            _ => Node::Class {
                ranges,
                negated: false,
            },
        })
    }

    fn class(&mut self) -> Option<Node> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let mut lo = vec![(c, c)];
            if c == '\\' {
                lo = self.escape_ranges()?;
            }
            if let [(a, _)] = lo.as_slice() {
                let a = *a;
                let is_range = self.peek() == Some('-')
                    && self.chars.get(self.pos + 1).is_some_and(|n| *n != ']');
                if is_range {
                    self.pos += 1;
                    let mut hi = self.next()?;
                    if hi == '\\' {
                        hi = self.escape_ranges()?.first()?.0;
                    }
                    ranges.push((a, hi));
                    continue;
                }
            }
            ranges.extend(lo);
        }
        Some(Node::Class { ranges, negated })
    }

    fn quantifier(&mut self) -> (u32, Option<u32>) {
        let bounds = match self.peek() {
            Some('{') => match self.braces() {
                Some(b) => b,
                None => return (1, Some(1)),
            },
            Some(c @ ('*' | '+' | '?')) => {
                self.pos += 1;
                match c {
                    '*' => (0, None),
                    '+' => (1, None),
                    _ => (0, Some(1)),
                }
            }
            _ => return (1, Some(1)),
        };
        // Lazy or possessive.
        if !self.eat('?') {
            self.eat('+');
        }
        bounds
    }

    /// `{n}`, `{n,}`, `{n,m}`; consumed only when well formed.
    fn braces(&mut self) -> Option<(u32, Option<u32>)> {
        let rest: String = self.chars[self.pos..].iter().collect();
        let end = rest.find('}')?;
        let inner = &rest[1..end];
        let (min, max) = match inner.split_once(',') {
            Some((a, "")) => (a.trim().parse().ok()?, None),
            Some((a, b)) => (a.trim().parse().ok()?, Some(b.trim().parse().ok()?)),
            None => {
                let n = inner.trim().parse().ok()?;
                (n, Some(n))
            }
        };
        self.pos += rest[..=end].chars().count();
        Some((min, max))
    }
}

/// How many repetitions and which branch a sample takes.
#[derive(Debug, Clone, Copy)]
struct Strategy {
    /// Repetitions wanted of unbounded or optional pieces (the minimum is always met).
    reps: u32,
    /// The branch of every alternation taken (modulo its count).
    branch: usize,
}

fn pick(ranges: &[(char, char)], negated: bool) -> char {
    let inside = |c: char| ranges.iter().any(|(a, b)| *a <= c && c <= *b);
    if negated {
        return ['a', 'A', '0', 'x', '-', '_', '.', ' ']
            .into_iter()
            .find(|c| !inside(*c))
            .unwrap_or('~');
    }
    ['a', 'A', '0']
        .into_iter()
        .find(|c| inside(*c))
        .or_else(|| ranges.first().map(|r| r.0))
        .unwrap_or('a')
}

fn emit(alts: &[Vec<Piece>], s: Strategy, out: &mut String) {
    let Some(seq) = alts.get(s.branch % alts.len().max(1)) else {
        return;
    };
    for piece in seq {
        let wanted = match piece.max {
            Some(max) => s.reps.clamp(piece.min, max.max(piece.min)),
            None => s.reps.max(piece.min),
        };
        for _ in 0..wanted.min(10_000) {
            match &piece.node {
                Node::Empty => {}
                Node::Char(c) => out.push(*c),
                Node::Any => out.push('x'),
                Node::Class { ranges, negated } => out.push(pick(ranges, *negated)),
                Node::Group(inner) => emit(inner, s, out),
            }
        }
    }
}

/// Candidate strings for `pattern`, most likely first (shortest repetitions, first branches);
/// none when the expression uses what is not understood here (back-references).
pub fn samples(pattern: &str, min_len: usize) -> impl Iterator<Item = String> {
    let mut parser = Parser {
        chars: pattern.chars().collect(),
        pos: 0,
    };
    let parsed = parser
        .alternatives()
        .filter(|_| parser.pos == parser.chars.len());
    let long = u32::try_from(min_len).unwrap_or(u32::MAX).max(8);
    let mut out: Vec<String> = Vec::new();
    if let Some(alts) = parsed {
        for branch in 0..3 {
            for reps in [0, 1, 3, long] {
                let mut s = String::new();
                emit(&alts, Strategy { reps, branch }, &mut s);
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    out.into_iter()
}

#[cfg(test)]
mod tests {
    use super::samples;

    fn first(p: &str) -> Vec<String> {
        samples(p, 0).collect()
    }

    #[test]
    fn makes_strings_from_common_patterns() {
        assert_eq!(first("^[a-z0-9-]+$")[..2], ["a", "aaa"]);
        assert_eq!(first("^\\d{3}-\\d{2,4}$")[0], "000-00");
        assert_eq!(first("^(?:foo|bar)$")[0], "foo");
        assert!(first("^(?:foo|bar)$").contains(&"bar".to_owned()));
        assert_eq!(first("[^a]x")[0], "Ax");
        assert_eq!(first("^\\+?[1-9]\\d{1,14}$")[1], "+10");
        assert_eq!(first("^(?=.*x)[A-Z]{2}$")[0], "AA");
        assert!(first("(a)\\1").is_empty());
    }
}
