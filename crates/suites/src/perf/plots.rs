//! The performance report's pictures, as SVG written by `plotters`: the latency distribution
//! of each measured operation with its `x-slo` budget marked, time to first chunk and to the
//! terminal event of every stream, and the open-loop load second by second (sent vs answered,
//! p95). The numbers stay in the report's tables; the pictures show their shape. Budgets come
//! from the run's [`Budgets`] (the specs' `x-slo`), never from here.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{LATENCY_OPERATION, LOGO_OPERATION, PerfResults, STATE_OPERATION, STREAM_OPERATION};
use super::{StreamTiming, load};
use crate::budget::Key;

/// The latency distributions, next to the report.
pub const LATENCY_SVG: &str = "performance_latency.svg";
/// TTFT and TTLT per stream.
pub const STREAMS_SVG: &str = "performance_streams.svg";
/// The open-loop load over time.
pub const LOAD_SVG: &str = "performance_load.svg";

/// One picture: its file name (next to the report) and its SVG text.
#[derive(Debug, Clone)]
pub struct Picture {
    pub file: &'static str,
    pub svg: String,
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn fail<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw the report's pictures: {e}")
}

/// Every picture of a run.
pub fn pictures(r: &PerfResults) -> Result<Vec<Picture>, String> {
    Ok(vec![
        Picture {
            file: LATENCY_SVG,
            svg: latency(r)?,
        },
        Picture {
            file: STREAMS_SVG,
            svg: streams(r)?,
        },
        Picture {
            file: LOAD_SVG,
            svg: load_over_time(r)?,
        },
    ])
}

/// One distribution panel: what was measured, its samples in ms, and its budget lines.
struct Distribution {
    title: String,
    samples: Vec<f64>,
    budgets: Vec<(String, f64)>,
}

fn budget_lines(r: &PerfResults, operation: &str, keys: &[Key]) -> Vec<(String, f64)> {
    keys.iter()
        .filter_map(|key| {
            let value = r.budgets.get(operation, *key).ok()?;
            Some((format!("{} {value} ms", key.name()), value as f64))
        })
        .collect()
}

fn latency(r: &PerfResults) -> Result<String, String> {
    let mut panels = vec![
        Distribution {
            title: format!("{LATENCY_OPERATION}, sequential"),
            samples: r.latency.samples_ms.clone(),
            budgets: budget_lines(r, LATENCY_OPERATION, &[Key::AvgMs, Key::P95Ms]),
        },
        Distribution {
            title: format!("{STATE_OPERATION} (state store read)"),
            samples: r.state.read.samples_ms.clone(),
            budgets: budget_lines(r, STATE_OPERATION, &[Key::AvgMs, Key::P95Ms]),
        },
        Distribution {
            title: format!("{LOGO_OPERATION} (count 4)"),
            samples: r.logo.samples_ms.clone(),
            budgets: budget_lines(r, LOGO_OPERATION, &[Key::MaxMs]),
        },
    ];
    for (name, op) in load::OPERATIONS.iter().zip(&r.load.per_operation) {
        panels.push(Distribution {
            title: format!("{}, open-loop load (from intended send)", op.operation),
            samples: op.samples_ms.clone(),
            budgets: budget_lines(r, name, &[Key::P95Ms]),
        });
    }
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (900, 220 * panels.len() as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        for (area, panel) in root.split_evenly((panels.len(), 1)).iter().zip(&panels) {
            distribution(area, panel)?;
        }
        root.present().map_err(fail)?;
    }
    Ok(svg)
}

/// A histogram on a logarithmic latency axis, so that a sample of a millisecond and a budget
/// of seconds fit one picture; the budgets are vertical lines.
fn distribution(area: &Area<'_>, panel: &Distribution) -> Result<(), String> {
    let caption = format!("{} - {} requests", panel.title, panel.samples.len());
    let lowest = panel
        .samples
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .min(
            panel
                .budgets
                .iter()
                .map(|b| b.1)
                .fold(f64::INFINITY, f64::min),
        );
    let highest = panel
        .samples
        .iter()
        .chain(panel.budgets.iter().map(|b| &b.1))
        .copied()
        .fold(0.0, f64::max);
    if !lowest.is_finite() || highest <= 0.0 {
        return empty(area, &caption);
    }
    let (from, to) = ((lowest / 2.0).max(0.001), highest * 2.0);
    // Bins of equal width on the log axis.
    const BINS: usize = 48;
    let step = (to / from).ln() / BINS as f64;
    let edge = |i: usize| from * (step * i as f64).exp();
    let mut counts = [0u32; BINS];
    for &s in &panel.samples {
        let i = (((s / from).ln() / step).floor().max(0.0) as usize).min(BINS - 1);
        counts[i] += 1;
    }
    let top = f64::from(counts.iter().copied().max().unwrap_or(0).max(1)) * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(32)
        .y_label_area_size(44)
        .build_cartesian_2d((from..to).log_scale(), 0.0..top)
        .map_err(fail)?;
    chart
        .configure_mesh()
        .x_desc("latency, ms (log scale)")
        .y_desc("requests")
        .x_label_formatter(&|v| format_ms(*v))
        .y_labels(count_labels(top))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .map_err(fail)?;
    chart
        .draw_series(
            counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, c)| {
                    Rectangle::new(
                        [(edge(i), 0.0), (edge(i + 1), f64::from(*c))],
                        BLUE.mix(0.6).filled(),
                    )
                }),
        )
        .map_err(fail)?;
    let colours = [RED, MAGENTA, BLACK];
    for ((label, value), colour) in panel.budgets.iter().zip(colours) {
        chart
            .draw_series(LineSeries::new(
                [(*value, 0.0), (*value, top)],
                colour.stroke_width(2),
            ))
            .map_err(fail)?
            .label(format!("budget: {label}"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
    }
    if !panel.budgets.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(fail)?;
    }
    Ok(())
}

/// As many y labels as whole counts up to `top` (at most 8), so that no two read the same.
fn count_labels(top: f64) -> usize {
    (top.floor() as usize + 1).min(8)
}

fn format_ms(v: f64) -> String {
    if v >= 10.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn empty(area: &Area<'_>, caption: &str) -> Result<(), String> {
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("{caption} (no successful request)"),
            ("sans-serif", 16),
        )
        .margin(8)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(fail)?;
    chart.configure_mesh().disable_mesh().draw().map_err(fail)?;
    Ok(())
}

fn streams(r: &PerfResults) -> Result<String, String> {
    let budgets: Vec<(String, f64)> =
        budget_lines(r, STREAM_OPERATION, &[Key::FirstChunkMs, Key::LastChunkMs]);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let halves = root.split_evenly((1, 2));
        stream_panel(
            &halves[0],
            &format!("{} generations, one at a time", r.streams.len()),
            &r.streams,
            &budgets,
        )?;
        stream_panel(
            &halves[1],
            &format!("{} generations at once", r.concurrent.streams.len()),
            &r.concurrent.streams,
            &budgets,
        )?;
        root.present().map_err(fail)?;
    }
    Ok(svg)
}

/// TTFT and TTLT of each stream (ms, log scale), with the stream budgets as horizontal lines.
fn stream_panel(
    area: &Area<'_>,
    title: &str,
    streams: &[StreamTiming],
    budgets: &[(String, f64)],
) -> Result<(), String> {
    let ms = |d: Option<std::time::Duration>| d.map(|d| d.as_secs_f64() * 1000.0);
    let ttft: Vec<(f64, f64)> = streams
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some(((i + 1) as f64, ms(s.ttft)?)))
        .collect();
    let ttlt: Vec<(f64, f64)> = streams
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some(((i + 1) as f64, ms(s.ttlt)?)))
        .collect();
    let values = ttft.iter().chain(&ttlt).map(|p| p.1);
    let lowest = values
        .clone()
        .chain(budgets.iter().map(|b| b.1))
        .fold(f64::INFINITY, f64::min);
    let highest = values
        .chain(budgets.iter().map(|b| b.1))
        .fold(0.0, f64::max);
    if !lowest.is_finite() || highest <= 0.0 {
        return empty(area, title);
    }
    let n = streams.len().max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(32)
        .y_label_area_size(52)
        .build_cartesian_2d(
            0.5..n + 0.5,
            ((lowest / 2.0).max(0.001)..highest * 2.0).log_scale(),
        )
        .map_err(fail)?;
    chart
        .configure_mesh()
        .x_desc("stream #")
        .y_desc("ms (log scale)")
        .x_labels(streams.len().clamp(1, 12))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format_ms(*v))
        .draw()
        .map_err(fail)?;
    for (label, points, colour) in [
        ("time to first chunk", &ttft, BLUE),
        ("time to last event", &ttlt, GREEN),
    ] {
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 4, colour.filled())))
            .map_err(fail)?
            .label(label)
            .legend(move |(x, y)| Circle::new((x + 9, y), 4, colour.filled()));
    }
    for ((label, value), colour) in budgets.iter().zip([RED, MAGENTA]) {
        chart
            .draw_series(LineSeries::new(
                [(0.5, *value), (n + 0.5, *value)],
                colour.stroke_width(2),
            ))
            .map_err(fail)?
            .label(format!("budget: {label}"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::MiddleRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(fail)?;
    Ok(())
}

fn load_over_time(r: &PerfResults) -> Result<String, String> {
    let timeline = &r.load.timeline;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let rows = root.split_evenly((2, 1));
        let seconds = timeline.len().max(1) as f64;
        let x = |s: &load::LoadSecond| s.second as f64 + 0.5;

        let top = timeline
            .iter()
            .map(|s| s.sent.max(s.answered + s.errors))
            .max()
            .unwrap_or(0)
            .max(1) as f64
            // Headroom above the lines for the legend.
            * 1.6;
        let mut chart = ChartBuilder::on(&rows[0])
            .caption(
                format!(
                    "open-loop load at {} req/min: requests per second",
                    r.load.rate_per_min
                ),
                ("sans-serif", 16),
            )
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..seconds, 0.0..top)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_desc("seconds since the first intended send")
            .y_desc("requests")
            .y_labels(count_labels(top))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(fail)?;
        // Sent is drawn wide and pale underneath, so that answers that keep up show as a line
        // inside it and answers that fall behind show beside it.
        for (label, style, value) in [
            (
                "sent (by intended time)",
                BLUE.mix(0.35).stroke_width(7),
                (|s: &load::LoadSecond| s.sent) as fn(&_) -> u64,
            ),
            ("answered ok (by arrival)", GREEN.stroke_width(2), |s| {
                s.answered
            }),
            ("failed (by arrival)", RED.stroke_width(2), |s| s.errors),
        ] {
            chart
                .draw_series(LineSeries::new(
                    timeline.iter().map(|s| (x(s), value(s) as f64)),
                    style,
                ))
                .map_err(fail)?
                .label(label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(fail)?;

        let budget = r
            .budgets
            .strictest(&load::OPERATIONS, Key::P95Ms)
            .ok()
            .map(|v| v as f64);
        let p95: Vec<(f64, f64)> = timeline
            .iter()
            .filter_map(|s| Some((x(s), s.p95_ms?)))
            .collect();
        let highest = p95
            .iter()
            .map(|p| p.1)
            .chain(budget)
            .fold(0.0, f64::max)
            .max(1.0)
            // Headroom above the budget line for the legend.
            * 1.6;
        let mut chart = ChartBuilder::on(&rows[1])
            .caption(
                "p95 latency per second (of the requests sent in it, from intended send)",
                ("sans-serif", 16),
            )
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..seconds, 0.0..highest)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_desc("seconds since the first intended send")
            .y_desc("ms")
            .draw()
            .map_err(fail)?;
        chart
            .draw_series(LineSeries::new(p95.iter().copied(), BLUE.stroke_width(2)))
            .map_err(fail)?
            .label("p95")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLUE.stroke_width(2)));
        chart
            .draw_series(p95.iter().map(|p| Circle::new(*p, 3, BLUE.filled())))
            .map_err(fail)?;
        if let Some(budget) = budget {
            chart
                .draw_series(LineSeries::new(
                    [(0.0, budget), (seconds, budget)],
                    RED.stroke_width(2),
                ))
                .map_err(fail)?
                .label(format!(
                    "budget: p95Ms {budget:.0} ms (strictest of the mix)"
                ))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], RED.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(fail)?;
        root.present().map_err(fail)?;
    }
    Ok(svg)
}
