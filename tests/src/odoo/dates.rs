//! Just enough calendar arithmetic for `read_group` on dates (`date_order:month`), without a
//! date crate: civil dates <-> day numbers (Howard Hinnant's algorithms).

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `(year, month, day)` of an Odoo date or datetime string.
pub(crate) fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some((y, m, d))
}

/// Whether `s` is a valid `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn valid_datetime(s: &str) -> bool {
    if s.len() != 19 || parse_date(s).is_none() || s.as_bytes()[10] != b' ' {
        return false;
    }
    let parts: Vec<Option<u32>> = s[11..].split(':').map(|p| p.parse().ok()).collect();
    matches!(parts.as_slice(), [Some(h), Some(mi), Some(se)] if *h < 24 && *mi < 60 && *se < 60)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A group of dates: its first day, the first day after it, and Odoo's label for it.
pub(crate) fn bucket(
    date: (i64, u32, u32),
    granularity: &str,
) -> ((i64, u32, u32), (i64, u32, u32), String) {
    let (y, m, d) = date;
    match granularity {
        "day" => {
            let n = days_from_civil(y, m, d);
            (
                (y, m, d),
                civil_from_days(n + 1),
                format!("{d:02} {} {y}", &MONTHS[m as usize - 1][..3]),
            )
        }
        "week" => {
            // ISO weeks (Monday first)
            let n = days_from_civil(y, m, d);
            let weekday = (n + 3).rem_euclid(7); // 0 = Monday
            let start = n - weekday;
            let thursday = civil_from_days(start + 3);
            let jan1 = days_from_civil(thursday.0, 1, 1);
            let week = (start + 3 - jan1) / 7 + 1;
            (
                civil_from_days(start),
                civil_from_days(start + 7),
                format!("W{week} {}", thursday.0),
            )
        }
        "quarter" => {
            let q = (m - 1) / 3;
            let start = (y, q * 3 + 1, 1);
            let end = if q == 3 {
                (y + 1, 1, 1)
            } else {
                (y, q * 3 + 4, 1)
            };
            (start, end, format!("Q{} {y}", q + 1))
        }
        "year" => ((y, 1, 1), (y + 1, 1, 1), format!("{y}")),
        _ => {
            let end = if m == 12 {
                (y + 1, 1, 1)
            } else {
                (y, m + 1, 1)
            };
            ((y, m, 1), end, format!("{} {y}", MONTHS[m as usize - 1]))
        }
    }
}

pub(crate) fn fmt_date((y, m, d): (i64, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_roundtrip_and_buckets() {
        for n in [-1000, 0, 1, 20000, 20789] {
            let (y, m, d) = civil_from_days(n);
            assert_eq!(days_from_civil(y, m, d), n);
        }
        assert_eq!(bucket((2026, 11, 28), "month").2, "November 2026");
        assert_eq!(bucket((2026, 12, 5), "month").1, (2027, 1, 1));
        assert_eq!(bucket((2026, 11, 28), "quarter").2, "Q4 2026");
        assert_eq!(bucket((2026, 1, 1), "week").2, "W1 2026");
        assert!(valid_datetime("2026-11-28 06:26:01"));
        assert!(!valid_datetime("2026-11-28T06:26:01"));
    }
}
