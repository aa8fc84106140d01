//! Sample JSON for the reference page, built from the document's schemas.
use serde_json::{json, Value};

/// A sample value for `schema`: its own example, else one built from its parts.
pub fn example(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return example(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema[combinator]
            .as_array()
            .and_then(|options| options.iter().find(|o| o["type"] != "null"))
        {
            return example(doc, first, depth + 1);
        }
    }
    let kind = match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .find(|t| *t != "null")
            .cloned()
            .unwrap_or(Value::Null),
        other => other.clone(),
    };
    match kind.as_str() {
        Some("object") => Value::Object(
            schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, property)| (name.clone(), example(doc, property, depth + 1)))
                .collect(),
        ),
        Some("array") => json!([example(doc, &schema["items"], depth + 1)]),
        Some("integer") | Some("number") => json!(0),
        Some("boolean") => json!(true),
        Some("string") => json!("string"),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_follow_refs_and_nullable_types() {
        let doc = json!({ "components": { "schemas": {
            "Key": { "type": "object", "properties": {
                "name": { "type": "string", "example": "Zapier" },
                "expiresAt": { "type": ["string", "null"] },
                "count": { "type": "integer" },
            } },
        } } });
        let sample = example(&doc, &json!({ "$ref": "#/components/schemas/Key" }), 0);
        assert_eq!(
            sample,
            json!({ "name": "Zapier", "expiresAt": "string", "count": 0 })
        );
    }
}
