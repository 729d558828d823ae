//! Query results read as rows of plain values, whatever Arrow type each column has.

use chrono::NaiveDate;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type};

use super::ReportError;

/// One cell of a query result.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
}

impl Value {
    pub fn f64(&self) -> Option<f64> {
        match self {
            Value::Int(v) => Some(*v as f64),
            Value::Float(v) if v.is_finite() => Some(*v),
            _ => None,
        }
    }

    pub fn i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            Value::Float(v) if v.is_finite() => Some(v.round() as i64),
            _ => None,
        }
    }

    pub fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(v) => v.to_string(),
            Value::Float(v) => v.to_string(),
            Value::Text(v) => v.clone(),
            Value::Bool(v) => v.to_string(),
            Value::Date(v) => v.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn bool(&self) -> Option<bool> {
        match self {
            Value::Bool(v) => Some(*v),
            _ => None,
        }
    }

    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(v) => Some(*v),
            Value::Text(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").ok(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Every row of the batches as values: integers of any width as `Int`, floats and
/// decimals as `Float`, dates as `Date`, everything else as its text.
pub fn rows(batches: &[RecordBatch]) -> Result<Vec<Vec<Value>>, ReportError> {
    let mut rows = Vec::new();
    for batch in batches {
        let columns = batch
            .columns()
            .iter()
            .map(|column| read_column(column.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..batch.num_rows() {
            rows.push(columns.iter().map(|c| c[row].clone()).collect());
        }
    }
    Ok(rows)
}

fn read_column(array: &dyn Array) -> Result<Vec<Value>, ReportError> {
    let fail = |e: datafusion::arrow::error::ArrowError| {
        ReportError::Render(format!("reading a query result: {e}"))
    };
    let n = array.len();
    let values = match array.data_type() {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => {
            let cast = cast(array, &DataType::Int64).map_err(fail)?;
            let ints = cast.as_primitive::<Int64Type>();
            (0..n)
                .map(|i| {
                    if ints.is_null(i) {
                        Value::Null
                    } else {
                        Value::Int(ints.value(i))
                    }
                })
                .collect()
        }
        DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => {
            let cast = cast(array, &DataType::Float64).map_err(fail)?;
            let floats = cast.as_primitive::<Float64Type>();
            (0..n)
                .map(|i| {
                    if floats.is_null(i) {
                        Value::Null
                    } else {
                        Value::Float(floats.value(i))
                    }
                })
                .collect()
        }
        DataType::Boolean => {
            let bools = array.as_boolean();
            (0..n)
                .map(|i| {
                    if bools.is_null(i) {
                        Value::Null
                    } else {
                        Value::Bool(bools.value(i))
                    }
                })
                .collect()
        }
        DataType::Date32 => {
            let dates = array.as_primitive::<Date32Type>();
            (0..n)
                .map(|i| {
                    if dates.is_null(i) {
                        Value::Null
                    } else {
                        dates.value_as_date(i).map_or(Value::Null, Value::Date)
                    }
                })
                .collect()
        }
        _ => {
            let cast = cast(array, &DataType::Utf8).map_err(fail)?;
            let texts = cast.as_string::<i32>();
            (0..n)
                .map(|i| {
                    if texts.is_null(i) {
                        Value::Null
                    } else {
                        Value::Text(texts.value(i).to_string())
                    }
                })
                .collect()
        }
    };
    Ok(values)
}
