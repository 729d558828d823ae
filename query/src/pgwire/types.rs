//! Arrow results as Postgres rows, and bound parameters as SQL literals.
//!
//! | Arrow                                   | Postgres      |
//! |-----------------------------------------|---------------|
//! | Boolean                                 | `bool`        |
//! | Int8, Int16, UInt8                      | `int2`        |
//! | Int32, UInt16                           | `int4`        |
//! | Int64, UInt32                           | `int8`        |
//! | UInt64, Decimal32/64/128/256            | `numeric`     |
//! | Float16, Float32                        | `float4`      |
//! | Float64                                 | `float8`      |
//! | Utf8, LargeUtf8, Utf8View               | `text`        |
//! | Binary, LargeBinary, BinaryView, FixedSizeBinary | `bytea` |
//! | Date32, Date64                          | `date`        |
//! | Time32, Time64                          | `time`        |
//! | Timestamp without / with a time zone    | `timestamp` / `timestamptz` (shown in UTC) |
//! | Interval, Duration                      | `interval`    |
//! | Dictionary                              | as its values |
//! | anything else (lists, structs, maps)    | `text`, as Arrow prints it |
//!
//! Every type is sent in text or binary format, as the client asks; Postgres keeps
//! microseconds, so nanoseconds are cut to them.

use std::sync::Arc;

use bytes::{BufMut, BytesMut};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Date64Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Float16Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, IntervalDayTimeType, IntervalMonthDayNanoType, IntervalUnit,
    IntervalYearMonthType, Schema, Time32MillisecondType, Time32SecondType, Time64MicrosecondType,
    Time64NanosecondType, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use pgwire::api::Type;
use pgwire::api::portal::Format;
use pgwire::api::results::{FieldFormat, FieldInfo};
use pgwire::messages::data::DataRow;

use super::text::quote_literal;

/// Days from 1970-01-01 (Arrow's epoch) to 2000-01-01 (Postgres's).
const PG_EPOCH_DAYS: i64 = 10_957;
const PG_EPOCH_MICROS: i64 = PG_EPOCH_DAYS * 86_400_000_000;

/// The Postgres type a column of this Arrow type is sent as.
pub fn pg_type(data_type: &DataType) -> Type {
    match data_type {
        DataType::Boolean => Type::BOOL,
        DataType::Int8 | DataType::Int16 | DataType::UInt8 => Type::INT2,
        DataType::Int32 | DataType::UInt16 => Type::INT4,
        DataType::Int64 | DataType::UInt32 => Type::INT8,
        DataType::UInt64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => Type::NUMERIC,
        DataType::Float16 | DataType::Float32 => Type::FLOAT4,
        DataType::Float64 => Type::FLOAT8,
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => Type::BYTEA,
        DataType::Date32 | DataType::Date64 => Type::DATE,
        DataType::Time32(_) | DataType::Time64(_) => Type::TIME,
        DataType::Timestamp(_, None) => Type::TIMESTAMP,
        DataType::Timestamp(_, Some(_)) => Type::TIMESTAMPTZ,
        DataType::Interval(_) | DataType::Duration(_) => Type::INTERVAL,
        DataType::Dictionary(_, values) => pg_type(values),
        _ => Type::TEXT,
    }
}

/// The row description of a result: one field per column, in the format the client
/// asked for it (`None`: text, as in the simple query protocol).
pub fn fields(schema: &Schema, formats: Option<&Format>) -> Vec<FieldInfo> {
    schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let format = formats.map_or(FieldFormat::Text, |f| format_of(f, i));
            let info = FieldInfo::new(
                field.name().clone(),
                None,
                None,
                pg_type(field.data_type()),
                format,
            );
            match decimal_shape(field.data_type()) {
                // Postgres's typmod of numeric(p, s), from which clients take the scale.
                Some((precision, scale)) => {
                    info.with_type_modifier(((i32::from(precision) << 16) | scale) + 4)
                }
                None => info,
            }
        })
        .collect()
}

/// The format of one column or parameter; a list of codes may be shorter than the
/// columns (one code for all, or none).
pub fn format_of(formats: &Format, column: usize) -> FieldFormat {
    match formats {
        Format::Individual(codes) if column >= codes.len() => FieldFormat::Text,
        formats => formats.format_for(column),
    }
}

fn decimal_shape(data_type: &DataType) -> Option<(u8, i32)> {
    match data_type {
        DataType::Decimal32(p, s)
        | DataType::Decimal64(p, s)
        | DataType::Decimal128(p, s)
        | DataType::Decimal256(p, s)
            if *s >= 0 =>
        {
            Some((*p, i32::from(*s)))
        }
        DataType::Dictionary(_, values) => decimal_shape(values),
        _ => None,
    }
}

/// Every row of the batches as Postgres `DataRow`s, each value in its field's format.
pub fn rows(batches: &[RecordBatch], fields: &[FieldInfo]) -> Result<Vec<DataRow>, String> {
    let mut rows = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    for batch in batches {
        let columns: Vec<ArrayRef> = batch
            .columns()
            .iter()
            .map(|column| match column.data_type() {
                DataType::Dictionary(_, values) => cast(column, values).map_err(|e| e.to_string()),
                _ => Ok(Arc::clone(column)),
            })
            .collect::<Result<_, _>>()?;
        let writers: Vec<Column<'_>> = columns
            .iter()
            .zip(fields)
            .map(|(array, field)| Column::new(array.as_ref(), field.format()))
            .collect::<Result<_, _>>()?;
        for row in 0..batch.num_rows() {
            let mut data = BytesMut::with_capacity(16 * writers.len());
            for writer in &writers {
                writer.write(row, &mut data);
            }
            rows.push(DataRow::new(data, writers.len() as i16));
        }
    }
    Ok(rows)
}

/// One column of a batch, ready to write its values.
struct Column<'a> {
    array: &'a dyn Array,
    binary: bool,
    /// For the types Postgres gets as Arrow prints them (decimals, and text for the rest).
    printed: Option<ArrayFormatter<'a>>,
}

impl<'a> Column<'a> {
    fn new(array: &'a dyn Array, format: FieldFormat) -> Result<Column<'a>, String> {
        let printed = match pg_type(array.data_type()) {
            Type::NUMERIC if array.data_type() != &DataType::UInt64 => Some(()),
            Type::TEXT if !is_string(array.data_type()) => Some(()),
            _ => None,
        };
        let printed = match printed {
            Some(()) => Some(
                ArrayFormatter::try_new(array, &FormatOptions::default())
                    .map_err(|e| e.to_string())?,
            ),
            None => None,
        };
        Ok(Column {
            array,
            binary: format == FieldFormat::Binary,
            printed,
        })
    }

    /// Writes the value's length and bytes (length -1 for NULL).
    fn write(&self, row: usize, out: &mut BytesMut) {
        if self.array.is_null(row) {
            out.put_i32(-1);
            return;
        }
        let at = out.len();
        out.put_i32(0);
        self.write_value(row, out);
        let length = (out.len() - at - 4) as i32;
        out[at..at + 4].copy_from_slice(&length.to_be_bytes());
    }

    fn write_value(&self, row: usize, out: &mut BytesMut) {
        let array = self.array;
        let binary = self.binary;
        if let Some(printed) = &self.printed {
            let text = printed.value(row).to_string();
            if binary && pg_type(array.data_type()) == Type::NUMERIC {
                numeric_binary(&text, out);
            } else {
                out.put_slice(text.as_bytes());
            }
            return;
        }
        match array.data_type() {
            DataType::Boolean => {
                let value = array.as_boolean().value(row);
                if binary {
                    out.put_u8(u8::from(value));
                } else {
                    out.put_slice(if value { b"t" } else { b"f" });
                }
            }
            DataType::Int8 => int2(
                i16::from(array.as_primitive::<Int8Type>().value(row)),
                binary,
                out,
            ),
            DataType::Int16 => int2(array.as_primitive::<Int16Type>().value(row), binary, out),
            DataType::UInt8 => int2(
                i16::from(array.as_primitive::<UInt8Type>().value(row)),
                binary,
                out,
            ),
            DataType::Int32 => int4(array.as_primitive::<Int32Type>().value(row), binary, out),
            DataType::UInt16 => int4(
                i32::from(array.as_primitive::<UInt16Type>().value(row)),
                binary,
                out,
            ),
            DataType::Int64 => int8(array.as_primitive::<Int64Type>().value(row), binary, out),
            DataType::UInt32 => int8(
                i64::from(array.as_primitive::<UInt32Type>().value(row)),
                binary,
                out,
            ),
            DataType::UInt64 => {
                let text = array.as_primitive::<UInt64Type>().value(row).to_string();
                if binary {
                    numeric_binary(&text, out);
                } else {
                    out.put_slice(text.as_bytes());
                }
            }
            DataType::Float16 => float4(
                array.as_primitive::<Float16Type>().value(row).to_f32(),
                binary,
                out,
            ),
            DataType::Float32 => {
                float4(array.as_primitive::<Float32Type>().value(row), binary, out)
            }
            DataType::Float64 => {
                float8(array.as_primitive::<Float64Type>().value(row), binary, out)
            }
            DataType::Utf8 => out.put_slice(array.as_string::<i32>().value(row).as_bytes()),
            DataType::LargeUtf8 => out.put_slice(array.as_string::<i64>().value(row).as_bytes()),
            DataType::Utf8View => out.put_slice(array.as_string_view().value(row).as_bytes()),
            DataType::Binary => bytea(array.as_binary::<i32>().value(row), binary, out),
            DataType::LargeBinary => bytea(array.as_binary::<i64>().value(row), binary, out),
            DataType::BinaryView => bytea(array.as_binary_view().value(row), binary, out),
            DataType::FixedSizeBinary(_) => {
                bytea(array.as_fixed_size_binary().value(row), binary, out)
            }
            DataType::Date32 => date(
                i64::from(array.as_primitive::<Date32Type>().value(row)),
                binary,
                out,
            ),
            DataType::Date64 => date(
                array
                    .as_primitive::<Date64Type>()
                    .value(row)
                    .div_euclid(86_400_000),
                binary,
                out,
            ),
            DataType::Time32(unit) => {
                let value = match unit {
                    TimeUnit::Second => {
                        i64::from(array.as_primitive::<Time32SecondType>().value(row)) * 1_000_000
                    }
                    _ => {
                        i64::from(array.as_primitive::<Time32MillisecondType>().value(row)) * 1_000
                    }
                };
                time(value, binary, out);
            }
            DataType::Time64(unit) => {
                let value = match unit {
                    TimeUnit::Nanosecond => {
                        array.as_primitive::<Time64NanosecondType>().value(row) / 1_000
                    }
                    _ => array.as_primitive::<Time64MicrosecondType>().value(row),
                };
                time(value, binary, out);
            }
            DataType::Timestamp(unit, zone) => {
                let micros = match unit {
                    TimeUnit::Second => array
                        .as_primitive::<TimestampSecondType>()
                        .value(row)
                        .saturating_mul(1_000_000),
                    TimeUnit::Millisecond => array
                        .as_primitive::<TimestampMillisecondType>()
                        .value(row)
                        .saturating_mul(1_000),
                    TimeUnit::Microsecond => {
                        array.as_primitive::<TimestampMicrosecondType>().value(row)
                    }
                    TimeUnit::Nanosecond => array
                        .as_primitive::<TimestampNanosecondType>()
                        .value(row)
                        .div_euclid(1_000),
                };
                timestamp(micros, zone.is_some(), binary, out);
            }
            DataType::Interval(unit) => {
                let (months, days, micros) = match unit {
                    IntervalUnit::YearMonth => (
                        array.as_primitive::<IntervalYearMonthType>().value(row),
                        0,
                        0,
                    ),
                    IntervalUnit::DayTime => {
                        let value = array.as_primitive::<IntervalDayTimeType>().value(row);
                        (0, value.days, i64::from(value.milliseconds) * 1_000)
                    }
                    IntervalUnit::MonthDayNano => {
                        let value = array.as_primitive::<IntervalMonthDayNanoType>().value(row);
                        (value.months, value.days, value.nanoseconds / 1_000)
                    }
                };
                interval(months, days, micros, binary, out);
            }
            DataType::Duration(unit) => {
                let micros = match unit {
                    TimeUnit::Second => array
                        .as_primitive::<DurationSecondType>()
                        .value(row)
                        .saturating_mul(1_000_000),
                    TimeUnit::Millisecond => array
                        .as_primitive::<DurationMillisecondType>()
                        .value(row)
                        .saturating_mul(1_000),
                    TimeUnit::Microsecond => {
                        array.as_primitive::<DurationMicrosecondType>().value(row)
                    }
                    TimeUnit::Nanosecond => {
                        array.as_primitive::<DurationNanosecondType>().value(row) / 1_000
                    }
                };
                interval(0, 0, micros, binary, out);
            }
            // Null columns never reach here (every value is NULL); other types are printed.
            _ => {}
        }
    }
}

fn is_string(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
    )
}

fn int2(value: i16, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i16(value);
    } else {
        out.put_slice(value.to_string().as_bytes());
    }
}

fn int4(value: i32, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i32(value);
    } else {
        out.put_slice(value.to_string().as_bytes());
    }
}

fn int8(value: i64, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i64(value);
    } else {
        out.put_slice(value.to_string().as_bytes());
    }
}

fn float4(value: f32, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_f32(value);
    } else {
        out.put_slice(float_text(f64::from(value), value.to_string()).as_bytes());
    }
}

fn float8(value: f64, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_f64(value);
    } else {
        out.put_slice(float_text(value, value.to_string()).as_bytes());
    }
}

/// Postgres spells the special values its own way.
fn float_text(value: f64, shortest: String) -> String {
    if value.is_nan() {
        "NaN".to_string()
    } else if value == f64::INFINITY {
        "Infinity".to_string()
    } else if value == f64::NEG_INFINITY {
        "-Infinity".to_string()
    } else {
        shortest
    }
}

fn bytea(value: &[u8], binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_slice(value);
    } else {
        out.put_slice(b"\\x");
        for byte in value {
            out.put_slice(format!("{byte:02x}").as_bytes());
        }
    }
}

/// `days` since 1970-01-01.
fn date(days: i64, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i32((days - PG_EPOCH_DAYS) as i32);
    } else {
        out.put_slice(date_text(days).as_bytes());
    }
}

fn date_text(days: i64) -> String {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days)))
        .map_or_else(|| days.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// `micros` since midnight.
fn time(micros: i64, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i64(micros);
    } else {
        out.put_slice(clock_text(micros).as_bytes());
    }
}

/// `HH:MM:SS`, with the fraction of a second when there is one (trailing zeros cut).
fn clock_text(micros: i64) -> String {
    let (seconds, fraction) = (micros.div_euclid(1_000_000), micros.rem_euclid(1_000_000));
    let mut text = format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    if fraction > 0 {
        let digits = format!("{fraction:06}");
        text.push('.');
        text.push_str(digits.trim_end_matches('0'));
    }
    text
}

/// `micros` since 1970-01-01 00:00 (UTC when `zoned`).
fn timestamp(micros: i64, zoned: bool, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i64(micros.saturating_sub(PG_EPOCH_MICROS));
        return;
    }
    let days = micros.div_euclid(86_400_000_000);
    let mut text = format!(
        "{} {}",
        date_text(days),
        clock_text(micros.rem_euclid(86_400_000_000))
    );
    if zoned {
        text.push_str("+00");
    }
    out.put_slice(text.as_bytes());
}

fn interval(months: i32, days: i32, micros: i64, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i64(micros);
        out.put_i32(days);
        out.put_i32(months);
    } else {
        out.put_slice(interval_text(months, days, micros).as_bytes());
    }
}

/// Postgres's default interval style: `1 year 2 mons 3 days 04:05:06.5`.
fn interval_text(months: i32, days: i32, micros: i64) -> String {
    let mut parts = Vec::new();
    let unit = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let (years, months) = (months / 12, months % 12);
    if years != 0 {
        parts.push(unit(i64::from(years), "year", "years"));
    }
    if months != 0 {
        parts.push(unit(i64::from(months), "mon", "mons"));
    }
    if days != 0 {
        parts.push(unit(i64::from(days), "day", "days"));
    }
    if micros != 0 || parts.is_empty() {
        let sign = if micros < 0 { "-" } else { "" };
        let micros = micros.unsigned_abs();
        let seconds = micros / 1_000_000;
        let mut clock = format!(
            "{sign}{:02}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
        let fraction = micros % 1_000_000;
        if fraction > 0 {
            clock.push('.');
            clock.push_str(format!("{fraction:06}").trim_end_matches('0'));
        }
        parts.push(clock);
    }
    parts.join(" ")
}

/// Postgres's binary `numeric`: base-10000 digits, the weight of the first, the sign and
/// the number of decimal places, from a decimal number as text (`-12.50`).
fn numeric_binary(text: &str, out: &mut BytesMut) {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let whole = whole.trim_start_matches('0');
    // Whole digits padded on the left and the fraction on the right to groups of four.
    let pad = (4 - whole.len() % 4) % 4;
    let mut digits_text = "0".repeat(pad);
    digits_text.push_str(whole);
    let whole_groups = digits_text.len() / 4;
    digits_text.push_str(fraction);
    digits_text.push_str(&"0".repeat((4 - fraction.len() % 4) % 4));
    let mut groups: Vec<i16> = digits_text
        .as_bytes()
        .chunks(4)
        .map(|chunk| {
            chunk
                .iter()
                .fold(0_i16, |n, d| n * 10 + i16::from(d.saturating_sub(b'0')))
        })
        .collect();
    let mut weight = whole_groups as i16 - 1;
    let leading = groups.iter().take_while(|&&g| g == 0).count();
    groups.drain(..leading);
    weight -= leading as i16;
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    out.put_i16(groups.len() as i16);
    out.put_i16(weight);
    out.put_u16(if negative && !groups.is_empty() {
        0x4000
    } else {
        0
    });
    out.put_u16(fraction.len() as u16);
    for group in groups {
        out.put_i16(group);
    }
}

/// A bound parameter as a SQL literal for the statement's text, checked against its type
/// so that nothing but a value can get in: numbers and booleans are parsed and written
/// back, everything else is quoted (quotes doubled) and cast.
pub fn literal(value: Option<&[u8]>, ty: &Type, binary: bool) -> Result<String, String> {
    let Some(value) = value else {
        return Ok("NULL".to_string());
    };
    if binary {
        return binary_literal(value, ty);
    }
    let text = std::str::from_utf8(value)
        .map_err(|_| format!("a parameter of type {} is not UTF-8 text", ty.name()))?;
    let bad = || format!("'{text}' is not a valid {} parameter", ty.name());
    Ok(match *ty {
        Type::BOOL => match text.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => "TRUE".to_string(),
            "f" | "false" | "n" | "no" | "off" | "0" => "FALSE".to_string(),
            _ => return Err(bad()),
        },
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => {
            text.trim().parse::<i64>().map_err(|_| bad())?.to_string()
        }
        Type::FLOAT4 | Type::FLOAT8 => {
            let number: f64 = text.trim().parse().map_err(|_| bad())?;
            if number.is_finite() {
                format!("{number:?}")
            } else {
                format!(
                    "CAST({} AS DOUBLE)",
                    quote_literal(&float_text(number, String::new()))
                )
            }
        }
        Type::NUMERIC => {
            let trimmed = text.trim();
            let digits = trimmed.strip_prefix(['-', '+']).unwrap_or(trimmed);
            let valid = !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                && digits.matches('.').count() <= 1
                && digits != ".";
            if !valid {
                return Err(bad());
            }
            trimmed.to_string()
        }
        Type::DATE => format!("CAST({} AS DATE)", quote_literal(text)),
        Type::TIMESTAMP => format!("CAST({} AS TIMESTAMP)", quote_literal(text)),
        Type::TIMESTAMPTZ => format!("CAST({} AS TIMESTAMP WITH TIME ZONE)", quote_literal(text)),
        Type::TIME => format!("CAST({} AS TIME)", quote_literal(text)),
        Type::INTERVAL => format!("CAST({} AS INTERVAL)", quote_literal(text)),
        _ => quote_literal(text),
    })
}

fn binary_literal(value: &[u8], ty: &Type) -> Result<String, String> {
    let bad = || {
        format!(
            "a binary {} parameter of {} bytes cannot be read",
            ty.name(),
            value.len()
        )
    };
    let int = |value: &[u8]| -> Result<i64, String> {
        Ok(match value.len() {
            2 => i64::from(i16::from_be_bytes([value[0], value[1]])),
            4 => i64::from(i32::from_be_bytes(value.try_into().map_err(|_| bad())?)),
            8 => i64::from_be_bytes(value.try_into().map_err(|_| bad())?),
            _ => return Err(bad()),
        })
    };
    Ok(match *ty {
        Type::BOOL => match value {
            [0] => "FALSE".to_string(),
            [_] => "TRUE".to_string(),
            _ => return Err(bad()),
        },
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => int(value)?.to_string(),
        Type::FLOAT4 | Type::FLOAT8 => {
            let number = match value.len() {
                4 => f64::from(f32::from_be_bytes(value.try_into().map_err(|_| bad())?)),
                8 => f64::from_be_bytes(value.try_into().map_err(|_| bad())?),
                _ => return Err(bad()),
            };
            if number.is_finite() {
                format!("{number:?}")
            } else {
                format!(
                    "CAST({} AS DOUBLE)",
                    quote_literal(&float_text(number, String::new()))
                )
            }
        }
        Type::DATE => {
            let days = i64::from(i32::from_be_bytes(value.try_into().map_err(|_| bad())?));
            format!("CAST('{}' AS DATE)", date_text(days + PG_EPOCH_DAYS))
        }
        Type::TIMESTAMP | Type::TIMESTAMPTZ => {
            let micros = i64::from_be_bytes(value.try_into().map_err(|_| bad())?)
                .saturating_add(PG_EPOCH_MICROS);
            let mut text = BytesMut::new();
            timestamp(micros, false, false, &mut text);
            let text = String::from_utf8_lossy(&text).into_owned();
            if *ty == Type::TIMESTAMPTZ {
                format!("CAST('{text}+00:00' AS TIMESTAMP WITH TIME ZONE)")
            } else {
                format!("CAST('{text}' AS TIMESTAMP)")
            }
        }
        Type::NUMERIC => numeric_from_binary(value).ok_or_else(bad)?,
        Type::BYTEA => return Err("binary bytea parameters are not supported".to_string()),
        _ => quote_literal(
            std::str::from_utf8(value)
                .map_err(|_| format!("a parameter of type {} is not UTF-8 text", ty.name()))?,
        ),
    })
}

/// Postgres's binary `numeric` as decimal text.
fn numeric_from_binary(value: &[u8]) -> Option<String> {
    let word = |i: usize| -> Option<u16> {
        Some(u16::from_be_bytes([*value.get(i)?, *value.get(i + 1)?]))
    };
    let count = usize::from(word(0)?);
    let weight = i64::from(word(2)? as i16);
    let sign = word(4)?;
    let scale = usize::from(word(6)?);
    if sign == 0xC000 {
        return Some("CAST('NaN' AS DOUBLE)".to_string());
    }
    let groups: Vec<u16> = (0..count).map(|i| word(8 + 2 * i)).collect::<Option<_>>()?;
    let mut whole = String::new();
    let mut fraction = String::new();
    for (i, group) in groups.iter().enumerate() {
        let position = weight - i as i64;
        if position >= 0 {
            whole.push_str(&format!("{group:04}"));
        } else {
            if fraction.is_empty() {
                fraction = "0000".repeat((-position - 1) as usize);
            }
            fraction.push_str(&format!("{group:04}"));
        }
    }
    if weight >= count as i64 {
        whole.push_str(&"0000".repeat((weight + 1 - count as i64) as usize));
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    fraction.truncate(scale);
    while fraction.len() < scale {
        fraction.push('0');
    }
    let sign = if sign == 0x4000 { "-" } else { "" };
    Some(if scale > 0 {
        format!("{sign}{whole}.{fraction}")
    } else {
        format!("{sign}{whole}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{
        BooleanArray, Date32Array, Decimal128Array, Float64Array, Int32Array, Int64Array,
        IntervalMonthDayNanoArray, StringArray, TimestampNanosecondArray,
    };
    use datafusion::arrow::datatypes::{Field, IntervalMonthDayNano};

    /// The values of one row as the client reads them: text, or the raw bytes.
    fn cells(row: &DataRow) -> Vec<Option<Vec<u8>>> {
        let mut data = &row.data[..];
        let mut cells = Vec::new();
        for _ in 0..row.field_count {
            let length = i32::from_be_bytes([data[0], data[1], data[2], data[3]]);
            data = &data[4..];
            if length < 0 {
                cells.push(None);
            } else {
                let (value, rest) = data.split_at(length as usize);
                cells.push(Some(value.to_vec()));
                data = rest;
            }
        }
        cells
    }

    fn text(cell: &Option<Vec<u8>>) -> Option<String> {
        cell.as_ref().map(|v| String::from_utf8(v.clone()).unwrap())
    }

    fn one_batch() -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("ok", DataType::Boolean, true),
            Field::new("n", DataType::Int32, true),
            Field::new("big", DataType::Int64, true),
            Field::new("share", DataType::Float64, true),
            Field::new("amount", DataType::Decimal128(10, 2), true),
            Field::new("port", DataType::Utf8, true),
            Field::new("day", DataType::Date32, true),
            Field::new(
                "at",
                DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
                true,
            ),
            Field::new(
                "local",
                DataType::Timestamp(TimeUnit::Nanosecond, None),
                true,
            ),
            Field::new("wait", DataType::Interval(IntervalUnit::MonthDayNano), true),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(BooleanArray::from(vec![Some(true), None])),
                Arc::new(Int32Array::from(vec![Some(-7), None])),
                Arc::new(Int64Array::from(vec![Some(1_234_567_890_123), None])),
                Arc::new(Float64Array::from(vec![Some(0.25), Some(f64::NAN)])),
                Arc::new(
                    Decimal128Array::from(vec![Some(-123_450), Some(5)])
                        .with_precision_and_scale(10, 2)
                        .unwrap(),
                ),
                Arc::new(StringArray::from(vec![Some("CGK"), None])),
                // 2024-02-29 is day 19782 since 1970-01-01.
                Arc::new(Date32Array::from(vec![Some(19_782), None])),
                // 2024-02-29 01:02:03.5 UTC.
                Arc::new(
                    TimestampNanosecondArray::from(vec![Some(1_709_168_523_500_000_000), None])
                        .with_timezone("UTC"),
                ),
                Arc::new(TimestampNanosecondArray::from(vec![
                    Some(1_709_168_523_000_000_000),
                    None,
                ])),
                Arc::new(IntervalMonthDayNanoArray::from(vec![
                    Some(IntervalMonthDayNano::new(14, 3, 3_723_500_000_000)),
                    Some(IntervalMonthDayNano::new(0, 0, 0)),
                ])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn arrow_types_map_to_the_postgres_types_clients_expect() {
        let batch = one_batch();
        let fields = fields(&batch.schema(), None);
        let types: Vec<Type> = fields.iter().map(|f| f.datatype().clone()).collect();
        assert_eq!(
            types,
            [
                Type::BOOL,
                Type::INT4,
                Type::INT8,
                Type::FLOAT8,
                Type::NUMERIC,
                Type::TEXT,
                Type::DATE,
                Type::TIMESTAMPTZ,
                Type::TIMESTAMP,
                Type::INTERVAL
            ]
        );
        // numeric(10, 2): (10 << 16 | 2) + 4.
        assert_eq!(fields[4].type_modifier(), (10 << 16 | 2) + 4);
        assert_eq!(pg_type(&DataType::UInt64), Type::NUMERIC);
        assert_eq!(
            pg_type(&DataType::Dictionary(
                Box::new(DataType::Int32),
                Box::new(DataType::Utf8)
            )),
            Type::TEXT
        );
        assert_eq!(pg_type(&DataType::Binary), Type::BYTEA);
    }

    #[test]
    fn values_in_text_format_read_as_postgres_prints_them() {
        let batch = one_batch();
        let fields = fields(&batch.schema(), None);
        let rows = rows(&[batch], &fields).unwrap();
        let first: Vec<Option<String>> = cells(&rows[0]).iter().map(text).collect();
        let expected = [
            "t",
            "-7",
            "1234567890123",
            "0.25",
            "-1234.50",
            "CGK",
            "2024-02-29",
            "2024-02-29 01:02:03.5+00",
            "2024-02-29 01:02:03",
            "1 year 2 mons 3 days 01:02:03.5",
        ];
        assert_eq!(first, expected.map(|s| Some(s.to_string())));
        let second: Vec<Option<String>> = cells(&rows[1]).iter().map(text).collect();
        assert_eq!(second[0], None, "NULL is a length of -1");
        assert_eq!(second[3].as_deref(), Some("NaN"));
        assert_eq!(second[4].as_deref(), Some("0.05"));
        assert_eq!(second[9].as_deref(), Some("00:00:00"));
    }

    #[test]
    fn values_in_binary_format_follow_postgres_send_functions() {
        let batch = one_batch();
        let fields = fields(&batch.schema(), Some(&Format::UnifiedBinary));
        let rows = rows(&[batch], &fields).unwrap();
        let first = cells(&rows[0]);
        let bytes = |i: usize| first[i].clone().unwrap();
        assert_eq!(bytes(0), [1]);
        assert_eq!(bytes(1), (-7_i32).to_be_bytes());
        assert_eq!(bytes(2), 1_234_567_890_123_i64.to_be_bytes());
        assert_eq!(bytes(3), 0.25_f64.to_be_bytes());
        // -1234.50: digits 1234 and 5000, weight 0, negative, 2 decimal places.
        let numeric: Vec<u8> = [2_u16, 0, 0x4000, 2, 1234, 5000]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        assert_eq!(bytes(4), numeric);
        assert_eq!(bytes(5), b"CGK");
        // 2024-02-29 is day 8825 since 2000-01-01.
        assert_eq!(bytes(6), 8_825_i32.to_be_bytes());
        // 8825 days, 3723.5 s after midnight, in microseconds since 2000-01-01.
        let micros = 8_825_i64 * 86_400_000_000 + 3_723_500_000;
        assert_eq!(bytes(7), micros.to_be_bytes());
        let mut interval = 3_723_500_000_i64.to_be_bytes().to_vec();
        interval.extend(3_i32.to_be_bytes());
        interval.extend(14_i32.to_be_bytes());
        assert_eq!(bytes(9), interval);
    }

    #[test]
    fn numeric_binary_round_trips_through_the_parameter_reader() {
        for text in [
            "0",
            "1",
            "-1",
            "10000",
            "123456789.000123",
            "0.0001",
            "0.00001",
            "-0.50",
            "99990000",
        ] {
            let mut out = BytesMut::new();
            numeric_binary(text, &mut out);
            assert_eq!(numeric_from_binary(&out).unwrap(), text);
        }
    }

    #[test]
    fn parameters_become_literals_that_carry_only_a_value() {
        assert_eq!(literal(Some(b"42"), &Type::INT4, false).unwrap(), "42");
        assert!(literal(Some(b"42; DROP TABLE x"), &Type::INT4, false).is_err());
        assert_eq!(
            literal(Some(b"CGK' OR '1'='1"), &Type::TEXT, false).unwrap(),
            "'CGK'' OR ''1''=''1'"
        );
        assert_eq!(literal(None, &Type::TEXT, false).unwrap(), "NULL");
        assert_eq!(literal(Some(b"on"), &Type::BOOL, false).unwrap(), "TRUE");
        assert_eq!(
            literal(Some(b"2024-02-29"), &Type::DATE, false).unwrap(),
            "CAST('2024-02-29' AS DATE)"
        );
        assert_eq!(
            literal(Some(&7_i64.to_be_bytes()), &Type::INT8, true).unwrap(),
            "7"
        );
        assert_eq!(
            literal(Some(&8_825_i32.to_be_bytes()), &Type::DATE, true).unwrap(),
            "CAST('2024-02-29' AS DATE)"
        );
        assert!(literal(Some(b"1.2.3"), &Type::NUMERIC, false).is_err());
    }
}
