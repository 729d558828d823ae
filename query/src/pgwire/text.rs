//! SQL text as the port and the shell need it, without parsing it: where one statement
//! ends and the next begins, and where the `$1`, `$2` … parameters of the extended
//! protocol stand. Quotes (`'…'`, `E'…'`, `"…"`, `$tag$…$tag$`) and comments (`--`,
//! nested `/* */`) are skipped, so a `;` or `$1` inside them counts for nothing.

/// One piece of scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// A `;` outside quotes and comments, at this byte offset.
    End(usize),
    /// A parameter `$n` over this byte range.
    Parameter { n: usize, start: usize, end: usize },
}

fn scan(sql: &str) -> Vec<Piece> {
    let bytes = sql.as_bytes();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b';' => {
                pieces.push(Piece::End(i));
                i += 1;
            }
            b'\'' => {
                let escapes = i > 0
                    && matches!(bytes[i - 1], b'e' | b'E')
                    && (i < 2 || !is_word(bytes[i - 2]));
                i = skip_quoted(bytes, i + 1, b'\'', escapes);
            }
            b'"' => i = skip_quoted(bytes, i + 1, b'"', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 1;
                i += 2;
                while i < bytes.len() && depth > 0 {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            }
            b'$' if i == 0 || !is_word(bytes[i - 1]) => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                if digits > 0 {
                    let end = i + 1 + digits;
                    if let Ok(n) = sql[i + 1..end].parse() {
                        pieces.push(Piece::Parameter { n, start: i, end });
                    }
                    i = end;
                } else if let Some(tag_len) = dollar_tag(&bytes[i..]) {
                    let tag = &bytes[i..i + tag_len];
                    let body = i + tag_len;
                    i = bytes[body..]
                        .windows(tag_len)
                        .position(|w| w == tag)
                        .map_or(bytes.len(), |p| body + p + tag_len);
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    pieces
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// The end of a quoted run that started before `from`; a doubled quote stays inside, and
/// with `escapes` (E'…') so does a backslash-escaped one.
fn skip_quoted(bytes: &[u8], mut from: usize, quote: u8, escapes: bool) -> usize {
    while from < bytes.len() {
        if escapes && bytes[from] == b'\\' {
            from += 2;
        } else if bytes[from] == quote {
            if bytes.get(from + 1) == Some(&quote) {
                from += 2;
            } else {
                return from + 1;
            }
        } else {
            from += 1;
        }
    }
    bytes.len()
}

/// The length of a dollar-quote opening tag (`$$`, `$body$`) at the start of `bytes`.
fn dollar_tag(bytes: &[u8]) -> Option<usize> {
    let name = bytes[1..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
        .count();
    (bytes.get(1 + name) == Some(&b'$')).then_some(name + 2)
}

/// SQL text cut at its `;`s: the statements that end in one, and what follows the last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statements<'a> {
    /// Each statement that ends in `;`, without it, trimmed; empty ones left out.
    pub complete: Vec<&'a str>,
    /// The text after the last `;`, trimmed: a statement still being typed, or empty.
    pub rest: &'a str,
}

/// Cuts SQL text into statements at every `;` outside quotes and comments.
///
/// # Example
/// ```
/// use gerbang_query::pgwire::split_statements;
/// let cut = split_statements("SELECT ';'; SELECT 2;\nSELECT");
/// assert_eq!(cut.complete, ["SELECT ';'", "SELECT 2"]);
/// assert_eq!(cut.rest, "SELECT");
/// ```
pub fn split_statements(sql: &str) -> Statements<'_> {
    let mut complete = Vec::new();
    let mut start = 0;
    for piece in scan(sql) {
        if let Piece::End(at) = piece {
            let statement = sql[start..at].trim();
            if !is_blank(statement) {
                complete.push(statement);
            }
            start = at + 1;
        }
    }
    let rest = sql[start..].trim();
    Statements {
        complete,
        rest: if is_blank(rest) { "" } else { rest },
    }
}

/// Every statement of a text, whether or not the last ends in `;`.
pub(crate) fn all_statements(sql: &str) -> Vec<&str> {
    let cut = split_statements(sql);
    let mut all = cut.complete;
    if !cut.rest.is_empty() {
        all.push(cut.rest);
    }
    all
}

/// Only whitespace and comments.
fn is_blank(sql: &str) -> bool {
    let mut rest = sql.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if rest.starts_with("/*") {
            let bytes = rest.as_bytes();
            let mut depth = 0;
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            rest = rest[i.min(rest.len())..].trim_start();
        } else {
            return rest.is_empty();
        }
    }
}

/// The highest parameter number in the text (`$3` → 3), 0 without parameters.
pub(crate) fn parameter_count(sql: &str) -> usize {
    scan(sql)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Parameter { n, .. } => Some(n),
            Piece::End(_) => None,
        })
        .max()
        .unwrap_or(0)
}

/// The text with each `$n` replaced by `literals[n - 1]`, which must be SQL literals made
/// by [`super::types`]; quotes and comments are left alone.
pub(crate) fn substitute(sql: &str, literals: &[String]) -> Result<String, String> {
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for piece in scan(sql) {
        if let Piece::Parameter { n, start, end } = piece {
            let literal = n
                .checked_sub(1)
                .and_then(|i| literals.get(i))
                .ok_or_else(|| {
                    format!(
                        "the statement uses ${n}, but {} parameter(s) were bound",
                        literals.len()
                    )
                })?;
            out.push_str(&sql[copied..start]);
            out.push_str(literal);
            copied = end;
        }
    }
    out.push_str(&sql[copied..]);
    Ok(out)
}

/// A string as a SQL string literal: in single quotes, quotes doubled. The sessions parse
/// standard strings, where a backslash is an ordinary character.
pub(crate) fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A name as a SQL identifier: in double quotes, quotes doubled.
pub(crate) fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_in_quotes_comments_and_dollar_quotes_do_not_end_a_statement() {
        let sql = "SELECT 'a;b', \"c;d\", E'e\\';f' -- g;h\n; /* i; /* j; */ k; */ SELECT $$l;m$$, $x$n;$x$;; SELECT 3";
        let cut = split_statements(sql);
        assert_eq!(
            cut.complete,
            [
                "SELECT 'a;b', \"c;d\", E'e\\';f' -- g;h",
                "/* i; /* j; */ k; */ SELECT $$l;m$$, $x$n;$x$"
            ]
        );
        assert_eq!(cut.rest, "SELECT 3");
    }

    #[test]
    fn comments_alone_are_not_statements() {
        let cut = split_statements("-- only a comment\n; /* and this */ ;  ");
        assert!(cut.complete.is_empty());
        assert_eq!(cut.rest, "");
        assert_eq!(split_statements("SELECT 1; -- done").rest, "");
    }

    #[test]
    fn parameters_are_found_outside_quotes_only() {
        let sql = "SELECT $1, '$2', \"$3\", $$ $4 $$, x$5 -- $6\n FROM t WHERE a = $2";
        assert_eq!(parameter_count(sql), 2);
        let replaced = substitute(sql, &["'one'".to_string(), "2".to_string()]).unwrap();
        assert_eq!(
            replaced,
            "SELECT 'one', '$2', \"$3\", $$ $4 $$, x$5 -- $6\n FROM t WHERE a = 2"
        );
        assert!(substitute("SELECT $3", &["1".to_string()]).is_err());
    }

    #[test]
    fn literals_double_their_quotes() {
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("back\\'slash"), "'back\\''slash'");
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
    }
}
