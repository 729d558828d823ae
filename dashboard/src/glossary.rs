//! The KPI glossary (`/glossary`): every KPI's definition, unit, grain, owner and target,
//! from the same headers in `sql/` that the views are made of ([`Warehouse::views`]) and
//! the same MoU targets file the views are held to, so the glossary cannot drift from what
//! is computed.
//!
//! Titles exist in both languages; definitions, units and grains are written and signed off
//! in English only, so they are marked `lang="en"` for screen readers and said to be so.

use gerbang_query::Warehouse;
use gerbang_query::kpi::{ViewDefinition, ViewKind};
use gerbang_query::targets::MouTargets;
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::layout::{PageContext, document};

/// The glossary's own words.
#[derive(Debug)]
struct Text {
    title: &'static str,
    intro: &'static str,
    english_only: &'static str,
    contents: &'static str,
    view_name: &'static str,
    unit: &'static str,
    grain: &'static str,
    owner: &'static str,
    target: &'static str,
    no_target: &'static str,
    definition: &'static str,
    helpers: &'static str,
    helpers_intro: &'static str,
    targets_source: &'static str,
}

const EN: Text = Text {
    title: "KPI glossary",
    intro: "Every KPI on this dashboard, as the SQL library defines it and the agencies signed it off, with the MoU target it is held to.",
    english_only: "Definitions, units and grains are written and signed off in English.",
    contents: "KPIs",
    view_name: "Name in SQL",
    unit: "Unit",
    grain: "One row per",
    owner: "Owner",
    target: "MoU target",
    no_target: "No MoU target",
    definition: "Definition",
    helpers: "Building blocks",
    helpers_intro: "Views the KPIs are computed from; analysts can query them too.",
    targets_source: "Targets",
};

const ID: Text = Text {
    title: "Glosarium KPI",
    intro: "Setiap KPI di dasbor ini, sebagaimana didefinisikan pustaka SQL dan disahkan oleh instansi, dengan target MoU yang berlaku baginya.",
    english_only: "Definisi, satuan, dan granularitas ditulis dan disahkan dalam bahasa Inggris.",
    contents: "Daftar KPI",
    view_name: "Nama di SQL",
    unit: "Satuan",
    grain: "Satu baris per",
    owner: "Pemilik",
    target: "Target MoU",
    no_target: "Tidak ada target MoU",
    definition: "Definisi",
    helpers: "Komponen dasar",
    helpers_intro: "View yang menjadi dasar perhitungan KPI; analis juga dapat mengkuerinya.",
    targets_source: "Target",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::En => &EN,
        Lang::Id => &ID,
    }
}

/// Renders the glossary.
pub fn glossary_page(warehouse: &Warehouse, context: &PageContext) -> String {
    let lang = context.lang;
    let words = text(lang);
    let targets = warehouse.targets();
    let (kpis, helpers): (Vec<&ViewDefinition>, Vec<&ViewDefinition>) = warehouse
        .views()
        .iter()
        .partition(|v| v.kind == ViewKind::Kpi);
    let contents = kpis
        .iter()
        .map(|v| {
            view! {
                <li>
                    <a href=format!("#{}", v.name)>{title(lang, v)}</a>
                </li>
            }
        })
        .collect_view();
    let entries = kpis.iter().map(|v| entry(lang, targets, v)).collect_view();
    let helper_entries = helpers
        .iter()
        .map(|v| {
            view! {
                <dt>
                    {title(lang, v)} " " <code>{v.name.clone()}</code>
                </dt>
                <dd lang="en">{v.definition.clone()}</dd>
            }
        })
        .collect_view();
    let source = format!(
        "{}: v{} ({}), {}",
        words.targets_source, targets.version, targets.effective_from, targets.source
    );
    let main = view! {
        <h1>{words.title}</h1>
        <p class="lead">{words.intro}</p>
        <p>{words.english_only}</p>
        <p class="period">{source}</p>
        <nav class="toc" aria-labelledby="toc-title">
            <h2 id="toc-title">{words.contents}</h2>
            <ol>{contents}</ol>
        </nav>
        {entries}
        <details class="definitions">
            <summary>{words.helpers}</summary>
            <p>{words.helpers_intro}</p>
            <dl>{helper_entries}</dl>
        </details>
    }
    .into_any();
    document(context, words.title, main)
}

fn title(lang: Lang, view: &ViewDefinition) -> String {
    match lang {
        Lang::Id => view.title_id.clone(),
        Lang::En => view.title_en.clone(),
    }
}

/// One KPI: its title, then its header's fields as a description list.
fn entry(lang: Lang, targets: &MouTargets, kpi: &ViewDefinition) -> AnyView {
    let words = text(lang);
    let owners = kpi
        .owner
        .split(',')
        .map(|o| lang.agency(o))
        .collect::<Vec<_>>()
        .join(", ");
    let target = match &kpi.target {
        Some(field) => {
            let sentences = target_sentences(lang, targets, field)
                .into_iter()
                .map(|sentence| match sentence {
                    Sentence::Ours(text) => view! { <li>{text}</li> }.into_any(),
                    Sentence::AsWritten(text) => view! { <li lang="en">{text}</li> }.into_any(),
                })
                .collect_view();
            view! { <ul class="target-list">{sentences}</ul> }.into_any()
        }
        None => view! { <span>{words.no_target}</span> }.into_any(),
    };
    view! {
        <section class="glossary-entry" id=kpi.name.clone() aria-labelledby=format!("{}-title", kpi.name)>
            <h2 id=format!("{}-title", kpi.name)>{title(lang, kpi)}</h2>
            <dl class="glossary-fields">
                <dt>{words.view_name}</dt>
                <dd>
                    <code>{kpi.name.clone()}</code>
                </dd>
                <dt>{words.unit}</dt>
                <dd lang="en">{kpi.unit.clone()}</dd>
                <dt>{words.grain}</dt>
                <dd lang="en">{kpi.grain.clone()}</dd>
                <dt>{words.owner}</dt>
                <dd>{owners}</dd>
                <dt>{words.target}</dt>
                <dd>{target}</dd>
                <dt>{words.definition}</dt>
                <dd lang="en">{kpi.definition.clone()}</dd>
            </dl>
        </section>
    }
    .into_any()
}

/// One line of a KPI's target: written by the glossary in the page's language from the
/// targets file, or the header's own words where it names no column of the targets.
#[derive(Debug, Clone, PartialEq)]
enum Sentence {
    Ours(String),
    AsWritten(String),
}

/// The target columns a KPI header names (`clearance_p90_target_minutes, ...`), written
/// out with the national value and each port's or agency pair's exception.
fn target_sentences(lang: Lang, targets: &MouTargets, field: &str) -> Vec<Sentence> {
    // "latency_target_minutes, required_share (mou_exchange_targets)": the table is implied.
    let names: Vec<String> = field
        .split(',')
        .map(|name| {
            name.split('(')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
        .collect();
    let known = |name: &str| names.iter().any(|n| n == name);
    let all_known = names.iter().all(|n| KNOWN_COLUMNS.contains(&n.as_str()));
    if !all_known {
        return vec![Sentence::AsWritten(field.to_string())];
    }
    let minutes = |value: f64| lang.minutes_trimmed(value);
    let percent = |share: f64| format!("{}%", lang.number_trimmed(share * 100.0, 1));
    let exceptions = |pick: &dyn Fn(&gerbang_query::targets::PortTargets) -> Option<String>| {
        let listed: Vec<String> = targets
            .ports
            .iter()
            .filter_map(|p| pick(p).map(|value| format!("{} {value}", p.code)))
            .collect();
        if listed.is_empty() {
            String::new()
        } else {
            format!("; {}", listed.join(", "))
        }
    };
    let mut sentences = Vec::new();
    if known("clearance_p90_target_minutes") {
        let national = minutes(targets.clearance.p90_target_minutes);
        let others = exceptions(&|p| p.p90_target_minutes.map(minutes));
        sentences.push(match lang {
            Lang::En => format!("Clearance time p90 at most {national}{others}"),
            Lang::Id => format!("Waktu penyelesaian p90 paling lama {national}{others}"),
        });
    }
    if known("max_bottleneck_hours_week") {
        let national = lang.count(targets.weekly.max_bottleneck_hours);
        let others = exceptions(&|p| p.max_bottleneck_hours.map(|h| lang.count(h)));
        sentences.push(match lang {
            Lang::En => format!("At most {national} bottleneck hours per port and week{others}"),
            Lang::Id => {
                format!("Paling banyak {national} jam kemacetan per TPI per minggu{others}")
            }
        });
    }
    if known("wait_threshold_minutes") || known("max_share_over_threshold") {
        let share = percent(targets.bottleneck.max_share_over_threshold);
        let threshold = minutes(targets.bottleneck.wait_threshold_minutes);
        sentences.push(match lang {
            Lang::En => format!(
                "A bottleneck hour: more than {share} of the travellers waited longer than {threshold}"
            ),
            Lang::Id => format!(
                "Jam kemacetan: lebih dari {share} pelintas menunggu lebih dari {threshold}"
            ),
        });
    }
    if known("clearance_target_minutes") || known("clearance_required_share") {
        let share = percent(targets.clearance.required_share);
        let within = minutes(targets.clearance.target_minutes);
        sentences.push(match lang {
            Lang::En => format!("At least {share} of travellers cleared within {within}"),
            Lang::Id => format!("Sedikitnya {share} pelintas selesai dalam {within}"),
        });
    }
    if known("customs_release_target_minutes") || known("customs_required_share") {
        let share = percent(targets.customs.required_share);
        let within = minutes(targets.customs.release_target_minutes);
        let others = exceptions(&|p| match (
            p.customs_release_target_minutes,
            p.customs_required_share,
        ) {
            (None, None) => None,
            (m, s) => Some(
                [m.map(minutes), s.map(percent)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        });
        sentences.push(match lang {
            Lang::En => {
                format!("At least {share} of baggage inspections ended within {within}{others}")
            }
            Lang::Id => {
                format!(
                    "Sedikitnya {share} pemeriksaan barang bawaan selesai dalam {within}{others}"
                )
            }
        });
    }
    if known("latency_target_minutes") || known("required_share") {
        let share = percent(targets.exchange.required_share);
        let within = minutes(targets.exchange.latency_target_minutes);
        let pairs: Vec<String> = targets
            .agency_pairs
            .iter()
            .map(|pair| {
                let kind = pair
                    .kind
                    .as_deref()
                    .map(|k| format!(" ({})", message_kind(lang, k)))
                    .unwrap_or_default();
                let values = [
                    pair.latency_target_minutes.map(minutes),
                    pair.required_share.map(percent),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                format!(
                    "{} → {}{kind}: {values}",
                    lang.agency(&pair.sender),
                    lang.agency(&pair.receiver)
                )
            })
            .collect();
        let others = if pairs.is_empty() {
            String::new()
        } else {
            format!("; {}", pairs.join("; "))
        };
        sentences.push(match lang {
            Lang::En => format!(
                "At least {share} of the messages received within {within} of being produced{others}"
            ),
            Lang::Id => format!(
                "Sedikitnya {share} pesan diterima dalam {within} sejak dibuat{others}"
            ),
        });
    }
    sentences.into_iter().map(Sentence::Ours).collect()
}

/// The `mou_targets` and `mou_exchange_targets` columns the glossary can write out.
const KNOWN_COLUMNS: [&str; 10] = [
    "clearance_p90_target_minutes",
    "max_bottleneck_hours_week",
    "wait_threshold_minutes",
    "max_share_over_threshold",
    "clearance_target_minutes",
    "clearance_required_share",
    "customs_release_target_minutes",
    "customs_required_share",
    "latency_target_minutes",
    "required_share",
];

/// The name of a message kind on the integration bus.
pub fn message_kind(lang: Lang, kind: &str) -> String {
    match (lang, kind) {
        (Lang::En, "manifest") => "manifest".into(),
        (Lang::En, "alert") => "alert".into(),
        (Lang::En, "risk_profile") => "risk profile".into(),
        (Lang::Id, "manifest") => "manifes".into(),
        (Lang::Id, "alert") => "peringatan".into(),
        (Lang::Id, "risk_profile") => "profil risiko".into(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_written_out_from_the_targets_file_with_exceptions() {
        let targets = MouTargets::embedded();
        let p90 = target_sentences(Lang::En, &targets, "clearance_p90_target_minutes");
        assert_eq!(
            p90,
            [Sentence::Ours(
                "Clearance time p90 at most 30 min; CGK 35 min, DPS 35 min".into()
            )]
        );
        let exchange = target_sentences(
            Lang::Id,
            &targets,
            "latency_target_minutes, required_share (mou_exchange_targets)",
        );
        let [Sentence::Ours(text)] = exchange.as_slice() else {
            panic!("one sentence: {exchange:?}");
        };
        assert!(
            text.starts_with("Sedikitnya 95% pesan diterima dalam 5 menit")
                && text.contains("Imigrasi → Kepolisian (peringatan): 1 menit, 99%"),
            "{text}"
        );
        let free = "every night delivered by 06:00 local time the next morning";
        assert_eq!(
            target_sentences(Lang::Id, &targets, free),
            [Sentence::AsWritten(free.into())]
        );
    }
}
