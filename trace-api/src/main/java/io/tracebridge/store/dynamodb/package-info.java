/**
 * The DynamoDB implementation of the store: {@link io.tracebridge.store.dynamodb.DynamoDbTraceStore}
 * (the facade), its validated {@link io.tracebridge.store.dynamodb.DynamoDbStoreConfig}, its
 * counters {@link io.tracebridge.store.dynamodb.DynamoDbStoreStats}, and its persistence model
 * {@link io.tracebridge.store.dynamodb.DynamoItem}. The rest is package-private, one
 * responsibility a class, built by the facade and depending only downwards: {@code TableSetup}
 * (DDL, migration), {@code StoreExecutor} (pool, retries, error classification), {@code
 * RecordWriter}, {@code RecordPuts}, {@code SpanItems}, {@code WriteLease} and {@code
 * SnapshotBasis} (writes), {@code RecordReader}, {@code ItemReads} and {@code TraceLists} (reads,
 * feeds, lists), {@code RecordRemoval}, {@code TraceSummaries} and {@code SummaryFold}, {@code
 * UsageLedger} and {@code UsageItems} (usage), {@code UsageRepair} and {@code RepairSchedule}
 * (usage after a crash), {@code StoredListeners} (live), {@code ClientFactory}.
 *
 * <p><b>Key design</b> (the module README has the whole table). One table (default {@code
 * tracebridge-records}, on-demand billing):
 *
 * <ul>
 *   <li>{@code pk} = {@code TRACE#{tenant}#{w3cTraceId}}: a trace is one item collection, read with
 *       one strongly consistent Query. Its items: records ({@code sk} = {@code REC#{recordId}}; a
 *       record written twice is one item), span items ({@code SPAN#{spanId}}), the {@code SUMMARY},
 *       usage markers ({@code USAGE#{recordId}}), the mode item ({@code USAGEMODE}) and the pass
 *       counter with the write lease ({@code PASSES}).
 *   <li>Indexes: {@code bySession} ({@code gsi1pk} = {@code SESSION#{tenant}#{sessionId}}, sorted
 *       by time; also session trace lists), {@code gsi2} (a session's feed by {@code seq}; an
 *       agent's trace list), {@code gsi3} (an agent's feed; the tenant's trace list), all
 *       projection ALL; {@code usagePending} (sparse, keys only: records whose usage is not yet
 *       counted). Usage aggregates live under {@code USAGE#{tenant}#{kind}#{day}}.
 *   <li>The tenant is part of every partition key: no query can reach another tenant's items.
 *   <li>The record's fields are typed top-level attributes named as in the record JSON, plus
 *       {@code seq}, {@code contentHash} and {@code schemaVersion}.
 * </ul>
 */
@ParametersAreNonnullByDefault
package io.tracebridge.store.dynamodb;

import javax.annotation.ParametersAreNonnullByDefault;
