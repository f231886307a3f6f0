//! `pipelens preview --format svg`: the pipeline as a picture for a design review. Stages are
//! columns left to right; inside a stage, actions are stacked in `runOrder` lanes; deploy
//! actions say their account and region; approvals are amber with a diamond; the stages of a
//! wave get a colour each (a stripe on their actions and a chip in the header); a stage the
//! prediction is not sure of has a dashed border. Plain SVG 1.1, sized to its content.

use std::fmt::Write;

use super::{Action, ActionKind, PredictedStage, Prediction};

const FONT: &str = "Helvetica, Arial, sans-serif";
/// Average advance of the fonts above, per pixel of font size, for regular and bold text
/// (generous: a label must never spill out of its box).
const CHAR_W: f64 = 0.6;
const BOLD_W: f64 = 0.68;
const NAME_PX: f64 = 13.0;
const DETAIL_PX: f64 = 11.0;
const PAD: f64 = 24.0;
const GAP_X: f64 = 40.0;
const BOX_H: f64 = 42.0;
const BOX_GAP: f64 = 8.0;
const LANE_PAD: f64 = 10.0;
const LANE_LABEL_W: f64 = 26.0;
const HEADER_H: f64 = 54.0;
const TITLE_H: f64 = 64.0;
const MIN_COL_W: f64 = 170.0;

const MEMBER_COLORS: [&str; 6] = [
    "#2563eb", "#db2777", "#059669", "#7c3aed", "#ea580c", "#0891b2",
];

struct Style {
    fill: &'static str,
    stroke: &'static str,
}

fn style(kind: ActionKind) -> Style {
    let (fill, stroke) = match kind {
        ActionKind::Source => ("#e0f2fe", "#0284c7"),
        ActionKind::Build | ActionKind::SelfMutate | ActionKind::Assets => ("#ede9fe", "#7c3aed"),
        ActionKind::Prepare => ("#f1f5f9", "#64748b"),
        ActionKind::Deploy => ("#dcfce7", "#16a34a"),
        ActionKind::Approval => ("#fef3c7", "#d97706"),
        ActionKind::ConfirmPermissions => ("#fee2e2", "#dc2626"),
        ActionKind::Shell | ActionKind::CodeBuild => ("#e0e7ff", "#4f46e5"),
        ActionKind::Other => ("#f5f5f4", "#78716c"),
    };
    Style { fill, stroke }
}

fn text_w(s: &str, px: f64) -> f64 {
    s.chars().count() as f64 * px * CHAR_W
}

fn bold_w(s: &str, px: f64) -> f64 {
    s.chars().count() as f64 * px * BOLD_W
}

/// XML text, from names in the code: quoted for the log first (the document is printed, and a
/// line break in a name would start a line of it), then XML-escaped.
fn esc(s: &str) -> String {
    crate::quote::for_log(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The second line of an action box.
fn detail(a: &Action) -> String {
    let kind = a.kind.name();
    match (a.kind, &a.account, &a.region) {
        (ActionKind::Prepare | ActionKind::Deploy, Some(acc), Some(reg)) => {
            format!("{kind} · {acc} · {reg}")
        }
        (ActionKind::Prepare | ActionKind::Deploy, _, _) => format!("{kind} · env unknown"),
        _ => kind.to_string(),
    }
}

struct Column<'a> {
    stage: &'a PredictedStage,
    x: f64,
    w: f64,
    /// Actions per runOrder, in lane order.
    lanes: Vec<(u32, Vec<&'a Action>)>,
    h: f64,
}

fn lanes(stage: &PredictedStage) -> Vec<(u32, Vec<&Action>)> {
    let mut out: Vec<(u32, Vec<&Action>)> = Vec::new();
    for a in &stage.actions {
        match out.last_mut() {
            Some((ro, v)) if *ro == a.run_order => v.push(a),
            _ => out.push((a.run_order, vec![a])),
        }
    }
    out
}

fn stage_subtitle(stage: &PredictedStage) -> String {
    let n = stage.actions.len();
    let actions = if n == 1 {
        "1 action".to_string()
    } else {
        format!("{n} actions")
    };
    let mut parts = vec![actions];
    if stage.members.len() > 1 {
        parts.insert(0, format!("wave of {}", stage.members.len()));
    }
    if !stage.certain {
        parts.push("uncertain".into());
    }
    parts.join(" · ")
}

/// One pipeline's picture: an SVG fragment and its size.
pub struct Picture {
    pub width: f64,
    pub height: f64,
    body: String,
}

/// One SVG document with the pictures one below the other.
pub fn document(pictures: &[Picture]) -> String {
    let width = pictures.iter().map(|p| p.width).fold(0.0, f64::max);
    let height: f64 = pictures.iter().map(|p| p.height).sum();
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT}">"#
    );
    s.push_str(
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#94a3b8"/></marker></defs>
<rect width="100%" height="100%" fill="#ffffff"/>
"##,
    );
    let mut y = 0.0;
    for p in pictures {
        let _ = writeln!(s, r#"<g transform="translate(0 {y:.0})">"#);
        s.push_str(&p.body);
        s.push_str("</g>\n");
        y += p.height;
    }
    s.push_str("</svg>\n");
    s
}

/// The picture of one pipeline.
pub fn render(title: &str, subtitle: &str, p: &Prediction) -> Picture {
    let mut cols: Vec<Column> = Vec::new();
    let mut x = PAD;
    for stage in &p.stages {
        // Cancelled (a language server request): the picture is dropped, stop here.
        if crate::cancel::requested() {
            break;
        }
        let lanes = lanes(stage);
        let mut w = MIN_COL_W
            .max(bold_w(&stage.name, 15.0) + 28.0)
            .max(text_w(&stage_subtitle(stage), DETAIL_PX) + 28.0);
        if stage.members.len() > 1 {
            let chips: f64 = stage
                .members
                .iter()
                .map(|m| bold_w(m, DETAIL_PX) + 22.0)
                .sum();
            w = w.max(chips + 20.0);
        }
        for a in &stage.actions {
            let inner = bold_w(&a.name, NAME_PX).max(text_w(&detail(a), DETAIL_PX));
            let approval = if a.kind == ActionKind::Approval {
                20.0
            } else {
                0.0
            };
            w = w.max(inner + approval + LANE_LABEL_W + 44.0);
        }
        let mut h = HEADER_H + if stage.members.len() > 1 { 22.0 } else { 0.0 };
        for (_, acts) in &lanes {
            h += LANE_PAD * 2.0 + acts.len() as f64 * (BOX_H + BOX_GAP) - BOX_GAP;
        }
        h += LANE_PAD;
        if lanes.is_empty() {
            h += BOX_H;
        }
        cols.push(Column {
            stage,
            x,
            w,
            lanes,
            h,
        });
        x += w + GAP_X;
    }
    let width = (x - GAP_X + PAD)
        .max(bold_w(title, 18.0) + 2.0 * PAD)
        .max(text_w(subtitle, 12.0) + 2.0 * PAD)
        .max(legend_width() + 2.0 * PAD);
    let body_h = cols.iter().map(|c| c.h).fold(0.0, f64::max);
    let height = TITLE_H + body_h + PAD + 30.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r##"<text x="{PAD}" y="32" font-size="18" font-weight="bold" fill="#0f172a">{}</text>
<text x="{PAD}" y="52" font-size="12" fill="#64748b">{}</text>"##,
        esc(title),
        esc(subtitle)
    );
    let top = TITLE_H;
    for (i, c) in cols.iter().enumerate() {
        if crate::cancel::requested() {
            break;
        }
        column(&mut s, c, top);
        if i + 1 < cols.len() {
            let y = top + 27.0;
            let _ = writeln!(
                s,
                r##"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#94a3b8" stroke-width="2" marker-end="url(#arrow)"/>"##,
                c.x + c.w + 4.0,
                c.x + c.w + GAP_X - 4.0
            );
        }
    }
    legend(&mut s, PAD, top + body_h + PAD + 10.0);
    Picture {
        width,
        height,
        body: s,
    }
}

fn column(s: &mut String, c: &Column, top: f64) {
    let stage = c.stage;
    let dash = if stage.certain {
        ""
    } else {
        r#" stroke-dasharray="6 4""#
    };
    let _ = writeln!(
        s,
        r##"<g><rect x="{:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" rx="10" fill="#f8fafc" stroke="#cbd5e1" stroke-width="1.5"{dash}/>"##,
        c.x, c.w, c.h
    );
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="{:.1}" font-size="15" font-weight="bold" fill="#0f172a">{}</text>
<text x="{:.1}" y="{:.1}" font-size="{DETAIL_PX}" fill="#64748b">{}</text>"##,
        c.x + 14.0,
        top + 24.0,
        esc(&stage.name),
        c.x + 14.0,
        top + 42.0,
        esc(&stage_subtitle(stage))
    );
    let mut y = top + HEADER_H;
    let wave = stage.members.len() > 1;
    if wave {
        let mut cx = c.x + 14.0;
        for (i, m) in stage.members.iter().enumerate() {
            let color = MEMBER_COLORS[i % MEMBER_COLORS.len()];
            let w = bold_w(m, DETAIL_PX) + 16.0;
            let _ = writeln!(
                s,
                r##"<rect x="{cx:.1}" y="{:.1}" width="{w:.1}" height="18" rx="9" fill="{color}"/><text x="{:.1}" y="{:.1}" font-size="{DETAIL_PX}" fill="#ffffff" font-weight="bold">{}</text>"##,
                y - 4.0,
                cx + 8.0,
                y + 9.0,
                esc(m)
            );
            cx += w + 6.0;
        }
        y += 22.0;
    }
    let _ = writeln!(
        s,
        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#e2e8f0"/>"##,
        c.x,
        y,
        c.x + c.w,
        y
    );
    if c.lanes.is_empty() {
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#94a3b8" font-style="italic">actions not known</text>"##,
            c.x + 14.0,
            y + 28.0
        );
    }
    for (li, (ro, acts)) in c.lanes.iter().enumerate() {
        let lane_h = LANE_PAD * 2.0 + acts.len() as f64 * (BOX_H + BOX_GAP) - BOX_GAP;
        if li % 2 == 1 {
            let _ = writeln!(
                s,
                r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{lane_h:.1}" fill="#f1f5f9"/>"##,
                c.x + 1.0,
                c.w - 2.0
            );
        }
        let _ = writeln!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="9" fill="#ffffff" stroke="#94a3b8"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#475569">{ro}</text>"##,
            c.x + 15.0,
            y + LANE_PAD + BOX_H / 2.0,
            c.x + 15.0,
            y + LANE_PAD + BOX_H / 2.0 + 3.5
        );
        let mut by = y + LANE_PAD;
        for a in acts {
            let member_color = if wave {
                a.member
                    .as_ref()
                    .and_then(|m| stage.members.iter().position(|x| x == m))
                    .map(|i| MEMBER_COLORS[i % MEMBER_COLORS.len()])
            } else {
                None
            };
            action_box(
                s,
                a,
                c.x + LANE_LABEL_W + 4.0,
                by,
                c.w - LANE_LABEL_W - 14.0,
                member_color,
            );
            by += BOX_H + BOX_GAP;
        }
        y += lane_h;
    }
    s.push_str("</g>\n");
}

fn action_box(s: &mut String, a: &Action, x: f64, y: f64, w: f64, member: Option<&str>) {
    let st = style(a.kind);
    let _ = writeln!(
        s,
        r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{BOX_H}" rx="6" fill="{}" stroke="{}" stroke-width="1.2"/>"##,
        st.fill, st.stroke
    );
    let mut tx = x + 10.0;
    if let Some(color) = member {
        let _ = writeln!(
            s,
            r##"<rect x="{x:.1}" y="{y:.1}" width="6" height="{BOX_H}" rx="3" fill="{color}"/>"##
        );
        tx += 4.0;
    }
    if a.kind == ActionKind::Approval {
        let (cx, cy, r) = (tx + 7.0, y + BOX_H / 2.0, 7.0);
        let _ = writeln!(
            s,
            r##"<path d="M{cx:.1},{:.1} L{:.1},{cy:.1} L{cx:.1},{:.1} L{:.1},{cy:.1} z" fill="#f59e0b" stroke="#b45309"/>"##,
            cy - r,
            cx + r,
            cy + r,
            cx - r
        );
        tx += 20.0;
    }
    let _ = writeln!(
        s,
        r##"<text x="{tx:.1}" y="{:.1}" font-size="{NAME_PX}" font-weight="bold" fill="#0f172a">{}</text><text x="{tx:.1}" y="{:.1}" font-size="{DETAIL_PX}" fill="#475569">{}</text>"##,
        y + 17.0,
        esc(&a.name),
        y + 33.0,
        esc(&detail(a))
    );
}

const LEGEND: [(&str, ActionKind); 7] = [
    ("source", ActionKind::Source),
    ("build", ActionKind::Build),
    ("prepare", ActionKind::Prepare),
    ("deploy", ActionKind::Deploy),
    ("approval", ActionKind::Approval),
    ("step", ActionKind::Shell),
    ("security check", ActionKind::ConfirmPermissions),
];
const LEGEND_NOTE: &str = "circled numbers: runOrder · dashed: uncertain";

fn legend_width() -> f64 {
    LEGEND
        .iter()
        .map(|(label, _)| 19.0 + text_w(label, 11.0) + 18.0)
        .sum::<f64>()
        + text_w(LEGEND_NOTE, 11.0)
}

fn legend(s: &mut String, x: f64, y: f64) {
    let mut cx = x;
    for (label, kind) in LEGEND {
        let st = style(kind);
        let _ = writeln!(
            s,
            r##"<rect x="{cx:.1}" y="{:.1}" width="14" height="14" rx="3" fill="{}" stroke="{}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#475569">{label}</text>"##,
            y - 11.0,
            st.fill,
            st.stroke,
            cx + 19.0,
            y
        );
        cx += 19.0 + text_w(label, 11.0) + 18.0;
    }
    let _ = writeln!(
        s,
        r##"<text x="{cx:.1}" y="{y:.1}" font-size="11" fill="#475569">{LEGEND_NOTE}</text>"##
    );
}
