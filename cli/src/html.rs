//! The self-contained HTML report for people: summary table, per-terminal breakdown, a chart of
//! findings over the day (inline SVG), and each finding with the receipt's and row's key fields.
//! No script, no external resource; every value from the input is HTML-escaped.

use std::fmt::Write as _;
use std::io::{self, Write};

use possig::UnixTime;
use possig_reconcile::{Category, Item, Report};

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// An amount in minor units with its currency's exponent: `1999 EUR` → `19.99 EUR`.
pub(crate) fn money(amount: u64, currency: &str) -> String {
    possig::Amount {
        minor: amount,
        currency,
    }
    .to_string()
}

fn time(t: Option<u64>) -> String {
    t.map(|t| UnixTime(t).to_string()).unwrap_or_default()
}

const CSS: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;\
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}\
.bad{color:#a00;font-weight:600}.ok{color:#070;font-weight:600}code{font-size:12px}\
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}";

/// Colours of the finding categories in the chart.
fn colour(c: Category) -> &'static str {
    match c {
        Category::Mismatch => "#d95f02",
        Category::MissingReceipt => "#e7298a",
        Category::NotSettled => "#7570b3",
        Category::InvalidReceipt => "#a6000f",
        Category::Duplicate => "#66a61e",
        Category::PendingSignature => "#e6ab02",
        Category::Unsigned => "#a6761d",
        Category::ReferenceMismatch => "#1b9e77",
        Category::MalformedRow => "#666666",
        _ => "#999999",
    }
}

fn chart(report: &Report, out: &mut String) {
    let findings: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| c.is_finding())
        .collect();
    let (Some(first), Some(last)) = (report.hours.keys().next(), report.hours.keys().last()) else {
        out.push_str("<p>No findings to chart.</p>");
        return;
    };
    let hours = ((last - first) / 3600 + 1).min(24 * 31);
    let max = report
        .hours
        .values()
        .map(|m| m.values().sum::<u64>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (bar, gap, height) = (24u64, 6u64, 160u64);
    let width = hours * (bar + gap) + 40;
    let _ = write!(
        out,
        "<svg role=\"img\" aria-label=\"Findings per hour\" width=\"{width}\" height=\"{}\" \
         xmlns=\"http://www.w3.org/2000/svg\">",
        height + 40
    );
    for h in 0..hours {
        let start = first + h * 3600;
        let x = 30 + h * (bar + gap);
        let mut y = height;
        if let Some(counts) = report.hours.get(&start) {
            for c in &findings {
                let n = counts.get(c.code()).copied().unwrap_or(0);
                if n == 0 {
                    continue;
                }
                let hgt = (n * height).div_ceil(max);
                y = y.saturating_sub(hgt);
                let _ = write!(
                    out,
                    "<rect x=\"{x}\" y=\"{}\" width=\"{bar}\" height=\"{hgt}\" fill=\"{}\">\
                     <title>{} {}: {n}</title></rect>",
                    y + 10,
                    colour(*c),
                    esc(&UnixTime(start).to_string()),
                    c.code()
                );
            }
        }
        if h % 2 == 0 {
            let hour = (start / 3600) % 24;
            let _ = write!(
                out,
                "<text x=\"{x}\" y=\"{}\" font-size=\"10\">{hour:02}h</text>",
                height + 25
            );
        }
    }
    let _ = write!(
        out,
        "<text x=\"0\" y=\"18\" font-size=\"10\">{max}</text><line x1=\"28\" y1=\"{}\" \
         x2=\"{width}\" y2=\"{}\" stroke=\"#999\"/></svg><div class=\"legend\">",
        height + 10,
        height + 10
    );
    for c in findings {
        let _ = write!(
            out,
            "<span style=\"background:{}\"></span>{}",
            colour(c),
            c.code()
        );
    }
    out.push_str("</div>");
}

/// Writes the HTML report: `report`'s counts and the finding `items` given (the caller may
/// cap their number; the summary tells how many there are in all).
///
/// # Errors
/// Those of `out`.
pub(crate) fn write_html(out: &mut impl Write, report: &Report, items: &[Item]) -> io::Result<()> {
    let mut h = String::with_capacity(64 * 1024 + items.len() * 600);
    let conserved = report.is_conserved();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>possig reconciliation report</title><style>{CSS}</style></head><body>\
         <h1>Reconciliation report</h1><p>Receipts verified as of {} UTC. {} receipts, {} \
         settlement rows. {}</p>",
        esc(&UnixTime(report.verified_at).to_string()),
        report.receipts,
        report.rows,
        if report.is_clean() {
            "<span class=\"ok\">Nothing to review.</span>"
        } else {
            "<span class=\"bad\">Findings need review.</span>"
        }
    );
    h.push_str(
        "<h2>Summary</h2><table><tr><th>Category</th><th>Items</th><th>Receipts</th>\
         <th>Settlement rows</th></tr>",
    );
    for c in Category::ALL {
        let n = report.categories.get(c.code()).copied().unwrap_or_default();
        let class = if c.is_finding() && n.items > 0 {
            " class=\"bad\""
        } else {
            ""
        };
        let _ = write!(
            h,
            "<tr><td{class}>{} <code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}\
             </td><td class=\"n\">{}</td></tr>",
            c.title(),
            c.code(),
            n.items,
            n.receipts,
            n.rows
        );
    }
    let _ = write!(
        h,
        "<tr><th>Total</th><th></th><th class=\"n\">{} of {}</th><th class=\"n\">{} of {}</th>\
         </tr></table><p>Conservation (every receipt and row in exactly one category): {}</p>",
        report.receipts_categorized(),
        report.receipts,
        report.rows_categorized(),
        report.rows,
        if conserved {
            "<span class=\"ok\">holds</span>"
        } else {
            "<span class=\"bad\">VIOLATED</span>"
        }
    );
    h.push_str("<h2>Per terminal</h2><table><tr><th>Terminal</th>");
    for c in Category::ALL {
        let _ = write!(h, "<th><code>{}</code></th>", c.code());
    }
    h.push_str("</tr>");
    for (t, counts) in &report.terminals {
        let name = if t.is_empty() { "(none: malformed)" } else { t };
        let _ = write!(h, "<tr><td>{}</td>", esc(name));
        for c in Category::ALL {
            let n = counts.get(c.code()).copied().unwrap_or(0);
            let class = if c.is_finding() && n > 0 {
                "n bad"
            } else {
                "n"
            };
            let _ = write!(h, "<td class=\"{class}\">{n}</td>");
        }
        h.push_str("</tr>");
    }
    h.push_str("</table><h2>Findings over the day (UTC hours)</h2>");
    chart(report, &mut h);
    h.push_str("<h2>Journal findings</h2><table><tr><th>Finding</th><th>Count</th></tr>");
    for (code, n) in &report.journal.total.findings {
        let _ = write!(
            h,
            "<tr><td><code>{code}</code></td><td class=\"n\">{n}</td></tr>"
        );
    }
    let total_findings: u64 = Category::ALL
        .iter()
        .filter(|c| c.is_finding())
        .map(|c| report.items(*c))
        .sum();
    let _ = write!(
        h,
        "</table><h2>Findings ({} of {total_findings} listed)</h2><table><tr><th>Category</th>\
         <th>Reason</th><th>Terminal</th><th>Receipt</th><th>Settlement row</th></tr>",
        items.len()
    );
    for it in items {
        let receipt = it.receipt.as_ref().map_or(String::new(), |r| {
            let mut s = format!(
                "#{} {} {} {}",
                r.index,
                r.kind.unwrap_or("?"),
                esc(&time(r.issued_at)),
                r.status
            );
            if let Some(code) = r.code {
                let _ = write!(s, " <b>{code}</b>");
            }
            if let (Some(a), Some(c)) = (r.amount, r.currency.as_deref()) {
                let _ = write!(s, "<br>{}", esc(&money(a, c)));
            }
            if let Some(rrn) = &r.rrn {
                let _ = write!(s, " RRN {}", esc(rrn));
            }
            if let Some(a) = &r.authorization_code {
                let _ = write!(s, " auth {}", esc(a));
            }
            if let Some(l4) = &r.last4 {
                let _ = write!(s, " card …{}", esc(l4));
            }
            if let Some(cvm) = r.cardholder_verification {
                let _ = write!(s, " cvm {cvm}");
            }
            if let Some(m) = &r.merchant {
                let _ = write!(s, "<br>merchant {}", esc(m));
            }
            if let Some(d) = &r.digest {
                // Hex digits need no escaping.
                let _ = write!(s, "<br><code>{d}</code>");
            }
            s
        });
        let row = it
            .row
            .as_ref()
            .map_or(String::new(), |r| match r.bad_column {
                Some(col) => format!("line {}: bad <code>{col}</code>", r.line),
                None => format!(
                    "line {} {} {}<br>{} RRN {} auth {} batch {}",
                    r.line,
                    r.kind,
                    esc(&time(Some(r.time))),
                    esc(&money(r.amount, &r.currency)),
                    esc(&r.rrn),
                    esc(&r.authorization_code),
                    esc(&r.batch)
                ),
            });
        let mut reason = it.reason.map_or(String::new(), |r| r.code().to_string());
        if let Some(age) = it.pending_for {
            let _ = write!(reason, " pending {} days", age / 86_400);
        }
        let _ = write!(
            h,
            "<tr><td class=\"bad\">{}</td><td>{}</td><td>{}</td><td>{receipt}</td><td>{row}</td></tr>",
            it.category.code(),
            reason.trim(),
            esc(it.terminal()),
        );
    }
    h.push_str("</table></body></html>\n");
    out.write_all(h.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_money() {
        assert_eq!(
            esc("<a href='x'>&\"\u{7}"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\u{FFFD}"
        );
        assert_eq!(money(1999, "EUR"), "19.99 EUR");
        assert_eq!(money(5, "EUR"), "0.05 EUR");
        assert_eq!(money(1500, "JPY"), "1500 JPY");
        assert_eq!(money(1234, "BHD"), "1.234 BHD");
    }

    /// A simulated day's report (the reconciliation tests' day) renders every category and the
    /// finding count.
    #[test]
    fn a_simulated_day_renders() {
        use possig::journal::JournalOptions;
        use possig::{Terminal, VerifyOptions};
        use possig_reconcile::{ReconcileOptions, reconcile};
        use possig_testkit::fixtures::{NOW, key, revocation_time, store};
        use possig_testkit::simulate::{SimTerminal, simulate_day};

        let terminals = ["term-ok", "term-ok2"].map(|name| SimTerminal {
            terminal: Terminal::new(key(name), "M-100 Cafe", name).unwrap(),
            id: name.into(),
            revoked_at: None,
        });
        let day = simulate_day(terminals.into(), revocation_time() - 14 * 3600, 40, 3).unwrap();
        let options = ReconcileOptions::new(JournalOptions::new(VerifyOptions::at(NOW)));
        let mut findings = Vec::new();
        let report = reconcile(
            &day.journal[..],
            day.settlement_csv.as_bytes(),
            &store(),
            &options,
            |i| {
                if i.category.is_finding() {
                    findings.push(i.clone());
                }
            },
        )
        .unwrap();
        assert!(!findings.is_empty());
        let mut html = Vec::new();
        write_html(&mut html, &report, &findings).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("Conservation") && html.contains("holds"));
        assert!(html.contains(&format!(
            "Findings ({} of {} listed)",
            findings.len(),
            findings.len()
        )));
        for category in Category::ALL {
            assert!(html.contains(category.title()), "{}", category.code());
        }
        assert!(html.contains("<svg"));
    }
}
