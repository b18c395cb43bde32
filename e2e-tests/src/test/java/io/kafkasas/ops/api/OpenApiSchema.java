package io.kafkasas.ops.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of OpenAPI 3.0 schemas our descriptions use ({@code $ref}, {@code type}, {@code required},
 * {@code properties}, {@code items}, {@code enum}, {@code nullable}), checked against a JSON answer.
 */
final class OpenApiSchema {

    private final Map<String, Object> document;

    OpenApiSchema(Map<String, Object> document) {
        this.document = document;
    }

    /** Every way {@code value} breaks {@code schema}, each with its JSON path; empty when it conforms. */
    List<String> problems(Object schema, JsonNode value) {
        List<String> problems = new ArrayList<>();
        check(resolve(schema), value, "$", problems);
        return problems;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> resolve(Object schema) {
        Map<String, Object> map = (Map<String, Object>) schema;
        Object ref = map.get("$ref");
        if (ref == null) {
            return map;
        }
        Object target = document;
        for (String part : ((String) ref).substring(2).split("/")) {
            target = ((Map<String, Object>) target).get(part);
        }
        return resolve(target);
    }

    @SuppressWarnings("unchecked")
    private void check(Map<String, Object> schema, JsonNode value, String path, List<String> problems) {
        if (value.isNull()) {
            if (!Boolean.TRUE.equals(schema.get("nullable"))) {
                problems.add(path + " is null, which the description does not allow");
            }
            return;
        }
        List<Object> allowed = (List<Object>) schema.get("enum");
        if (allowed != null && !allowed.stream().map(String::valueOf).toList().contains(value.asText())) {
            problems.add(path + " is " + value + ", not one of " + allowed);
        }
        String type = (String) schema.get("type");
        if (type != null && !hasType(value, type)) {
            problems.add(path + " is " + value.getNodeType() + ", not " + type);
            return;
        }
        for (Object name : (List<Object>) schema.getOrDefault("required", List.of())) {
            if (!value.has((String) name)) {
                problems.add(path + " lacks the required " + name);
            }
        }
        Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        properties.forEach((name, property) -> {
            if (value.has(name)) {
                check(resolve(property), value.get(name), path + "." + name, problems);
            }
        });
        Object items = schema.get("items");
        if (items != null) {
            for (int i = 0; i < value.size(); i++) {
                check(resolve(items), value.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }
}
