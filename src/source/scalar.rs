//! Scalars by the YAML 1.2 core schema: `true`/`false`, `null`, integers
//! and floats are only recognised in plain (unquoted) scalars, and `no`,
//! `on`, `yes` stay strings.

use granit_parser::ScalarStyle;
use serde_json::{Number, Value};

/// Resolves a scalar by the YAML 1.2 core schema; only plain scalars are
/// anything but strings.
pub(super) fn resolve_scalar(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(number) = resolve_int(text) {
        return Value::Number(number);
    }
    if is_core_float(text)
        && let Some(number) = text.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(number);
    }
    Value::String(text.to_owned())
}

fn resolve_int(text: &str) -> Option<Number> {
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = text.strip_prefix("0x") {
        return digits(hex, 16)
            .then(|| u64::from_str_radix(hex, 16).ok().map(Number::from))
            .flatten();
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return digits(octal, 8)
            .then(|| u64::from_str_radix(octal, 8).ok().map(Number::from))
            .flatten();
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits(unsigned, 10) {
        return None;
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(Number::from(n));
    }
    text.parse::<u64>().ok().map(Number::from)
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && all_digits(int)
                && all_digits(frac)
                && !(int.is_empty() && frac.is_empty())
        }
        None => !mantissa.is_empty() && all_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_2_booleans_are_strict() {
        assert_eq!(
            resolve_scalar("no", ScalarStyle::Plain),
            Value::String("no".into())
        );
        assert_eq!(
            resolve_scalar("on", ScalarStyle::Plain),
            Value::String("on".into())
        );
        assert_eq!(
            resolve_scalar("true", ScalarStyle::Plain),
            Value::Bool(true)
        );
        assert_eq!(
            resolve_scalar("true", ScalarStyle::DoubleQuoted),
            Value::String("true".into())
        );
    }

    #[test]
    fn numbers_follow_the_core_schema() {
        assert_eq!(resolve_scalar("42", ScalarStyle::Plain), Value::from(42));
        assert_eq!(resolve_scalar("-7", ScalarStyle::Plain), Value::from(-7));
        assert_eq!(resolve_scalar("0x1F", ScalarStyle::Plain), Value::from(31));
        assert_eq!(resolve_scalar("1.5", ScalarStyle::Plain), Value::from(1.5));
        assert_eq!(
            resolve_scalar("1e3", ScalarStyle::Plain),
            Value::from(1000.0)
        );
        assert_eq!(
            resolve_scalar("1h30m", ScalarStyle::Plain),
            Value::String("1h30m".into())
        );
        assert_eq!(
            resolve_scalar("0755a", ScalarStyle::Plain),
            Value::String("0755a".into())
        );
        assert_eq!(
            resolve_scalar(".", ScalarStyle::Plain),
            Value::String(".".into())
        );
    }
}
