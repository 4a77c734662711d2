package io.tracebridge.store.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * What an existing table must look like for the store (README, "DynamoDB key design"): {@code pk}
 * (hash) and {@code sk} (range), both strings, and the indexes with their string keys: the three
 * read for records and summaries with every attribute projected, and {@link UsageRepair#INDEX}
 * with any projection (its reader needs only the keys). A table made by infrastructure code is checked against it at
 * start-up, so a wrong one fails at once with every difference named, not at the first query.
 * Pure; no I/O.
 */
final class TableSchemaCheck {
  /** Index name → its (hash, range) attributes. */
  static final Map<String, List<String>> INDEXES = Map.of(
      TableSetup.SESSION_INDEX, List.of(DynamoItem.GSI1_PK, DynamoItem.GSI1_SK),
      TableSetup.GSI2, List.of(DynamoItem.GSI2_PK, DynamoItem.GSI2_SK),
      TableSetup.GSI3, List.of(DynamoItem.GSI3_PK, DynamoItem.GSI3_SK),
      UsageRepair.INDEX, List.of(UsageRepair.PENDING, DynamoItem.SEQ));

  private TableSchemaCheck() {}

  /**
   * Every way {@code table} differs from what the store needs, as sentences; empty when it fits.
   * A missing index is reported only when {@code indexesRequired} (else the store adds it).
   */
  static List<String> problems(TableDescription table, boolean indexesRequired) {
    List<String> problems = new ArrayList<>();
    Map<String, ScalarAttributeType> types = table.attributeDefinitions().stream()
        .collect(Collectors.toMap(AttributeDefinition::attributeName, AttributeDefinition::attributeType));
    keys("the table", table.keySchema(), DynamoItem.PK, DynamoItem.SK, types, problems);
    for (Map.Entry<String, List<String>> wanted : INDEXES.entrySet()) {
      Optional<GlobalSecondaryIndexDescription> index = table.globalSecondaryIndexes().stream()
          .filter(i -> wanted.getKey().equals(i.indexName())).findFirst();
      if (index.isEmpty()) {
        if (indexesRequired) {
          problems.add("index '" + wanted.getKey() + "' is missing (keys " + wanted.getValue().get(0)
              + " HASH, " + wanted.getValue().get(1) + " RANGE, projection "
              + (wanted.getKey().equals(UsageRepair.INDEX) ? "KEYS_ONLY" : "ALL") + ")");
        }
        continue;
      }
      String what = "index '" + wanted.getKey() + "'";
      keys(what, index.get().keySchema(), wanted.getValue().get(0), wanted.getValue().get(1), types, problems);
      ProjectionType projection = index.get().projection() == null ? null : index.get().projection().projectionType();
      if (projection != ProjectionType.ALL && !wanted.getKey().equals(UsageRepair.INDEX)) {
        problems.add(what + " must project ALL attributes, projects " + projection);
      }
    }
    return problems;
  }

  private static void keys(String what, List<KeySchemaElement> schema, String hash, String range,
      Map<String, ScalarAttributeType> types, List<String> problems) {
    String actual = schema.stream().map(k -> k.attributeName() + " " + k.keyType()).collect(Collectors.joining(", "));
    boolean right = schema.size() == 2
        && schema.stream().anyMatch(k -> k.attributeName().equals(hash) && k.keyType() == KeyType.HASH)
        && schema.stream().anyMatch(k -> k.attributeName().equals(range) && k.keyType() == KeyType.RANGE);
    if (!right) {
      problems.add(what + " must have keys " + hash + " HASH, " + range + " RANGE; it has " + actual);
      return;
    }
    for (String key : List.of(hash, range)) {
      if (types.get(key) != ScalarAttributeType.S) {
        problems.add(what + ": key " + key + " must be a string (S), is " + types.get(key));
      }
    }
  }
}
