//! The scaling curves as SVG: CPU per unit of work and peak memory, by a log-scaled x.

use std::path::Path;

use plotters::prelude::*;

use crate::Error;
use crate::measure::Sample;
use crate::results::Curve;

const WIDTH: u32 = 960;
const HEIGHT: u32 = 400;
const CLIENT_COLOR: RGBColor = RGBColor(31, 119, 180);
const TONIC_COLOR: RGBColor = RGBColor(255, 127, 14);

/// Draws `curve` into `{dir}/{curve.name}.svg`.
pub(crate) fn draw(curve: &Curve, dir: &Path) -> Result<(), Error> {
    let path = dir.join(format!("{}.svg", curve.name));
    let root = SVGBackend::new(&path, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(to_error)?;
    let root = root
        .titled(curve.title, ("sans-serif", 20))
        .map_err(to_error)?;
    let (left, right) = root.split_horizontally(WIDTH / 2);
    panel(
        &left,
        curve,
        &format!("CPU µs per {}", curve.unit),
        Sample::cpu_us_per_op,
    )?;
    panel(&right, curve, "peak RSS (MiB)", Sample::peak_rss_mib)?;
    root.present().map_err(to_error)?;
    Ok(())
}

fn panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    curve: &Curve,
    y_label: &str,
    value: fn(&Sample) -> f64,
) -> Result<(), Error> {
    let xs = || curve.points.iter().map(|p| p.x as f64);
    let x_min = xs().fold(f64::INFINITY, f64::min).max(1.0);
    let x_max = xs().fold(0.0, f64::max).max(x_min * 2.0);
    let y_max = curve
        .points
        .iter()
        .flat_map(|p| std::iter::once(&p.client).chain(&p.tonic))
        .map(value)
        .fold(0.0, f64::max)
        * 1.15;
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d((x_min..x_max).log_scale(), 0.0..y_max.max(1e-3))
        .map_err(to_error)?;
    chart
        .configure_mesh()
        .x_desc(curve.x_label)
        .y_desc(y_label)
        .x_label_formatter(&|x| human(*x))
        .draw()
        .map_err(to_error)?;
    let client: Vec<(f64, f64)> = curve
        .points
        .iter()
        .map(|p| (p.x as f64, value(&p.client)))
        .collect();
    chart
        .draw_series(LineSeries::new(
            client.clone(),
            CLIENT_COLOR.stroke_width(2),
        ))
        .map_err(to_error)?
        .label("temporal-client")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], CLIENT_COLOR.stroke_width(2)));
    chart
        .draw_series(
            client
                .iter()
                .map(|&p| Circle::new(p, 3, CLIENT_COLOR.filled())),
        )
        .map_err(to_error)?;
    let tonic: Vec<(f64, f64)> = curve
        .points
        .iter()
        .filter_map(|p| Some((p.x as f64, value(p.tonic.as_ref()?))))
        .collect();
    if !tonic.is_empty() {
        chart
            .draw_series(LineSeries::new(tonic.clone(), TONIC_COLOR.stroke_width(2)))
            .map_err(to_error)?
            .label("bare tonic")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], TONIC_COLOR.stroke_width(2)));
        chart
            .draw_series(
                tonic
                    .iter()
                    .map(|&p| Circle::new(p, 3, TONIC_COLOR.filled())),
            )
            .map_err(to_error)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(to_error)?;
    Ok(())
}

/// 1024 as `1K`, 4194304 as `4M`: axis labels that fit.
fn human(x: f64) -> String {
    let x = x.round();
    if x >= 1024.0 * 1024.0 && (x % (1024.0 * 1024.0)) == 0.0 {
        format!("{}M", x / 1024.0 / 1024.0)
    } else if x >= 1024.0 && (x % 1024.0) == 0.0 {
        format!("{}K", x / 1024.0)
    } else {
        format!("{x}")
    }
}

fn to_error<E: std::error::Error + Send + Sync + 'static>(err: DrawingAreaErrorKind<E>) -> Error {
    format!("cannot draw a chart: {err}").into()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::results::Point;

    #[test]
    fn a_curve_becomes_an_svg_with_both_series() {
        let sample = |cpu_ms, rss| Sample {
            ops: 100,
            errors: 0,
            first_error: None,
            wall: Duration::from_secs(1),
            cpu: Duration::from_millis(cpu_ms),
            user_cpu: Duration::from_millis(cpu_ms / 10),
            peak_rss_kib: rss,
            p50: Duration::ZERO,
            p99: Duration::ZERO,
            allocations: Default::default(),
        };
        let curve = Curve {
            name: "concurrency",
            title: "start: cost by concurrency",
            x_label: "operations in flight",
            unit: "op",
            points: [1, 32, 512]
                .into_iter()
                .map(|x| Point {
                    x,
                    client: sample(10, 6000),
                    tonic: Some(sample(9, 5000)),
                    spread: None,
                })
                .collect(),
        };
        let dir = std::env::temp_dir().join(format!("bench-chart-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        draw(&curve, &dir).expect("drawn");
        let svg = std::fs::read_to_string(dir.join("concurrency.svg")).expect("written");
        std::fs::remove_dir_all(&dir).expect("removed");
        assert!(svg.starts_with("<svg"), "{}", &svg[..100]);
        assert!(svg.contains("temporal-client") && svg.contains("bare tonic"));
        assert!(svg.contains("operations in flight"));
        assert_eq!(human(4.0 * 1024.0 * 1024.0), "4M");
        assert_eq!(human(16384.0), "16K");
        assert_eq!(human(512.0), "512");
    }
}
