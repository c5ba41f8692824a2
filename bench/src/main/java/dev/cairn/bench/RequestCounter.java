package dev.cairn.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the HTTP requests an AWS SDK v2 client sends, by operation ({@code PutObject}, {@code
 * GetObject}, {@code ListObjectsV2}, …): every attempt counts, retries included, since each is a
 * request the server answers (and AWS bills). Register it with {@code overrideConfiguration(o ->
 * o.addExecutionInterceptor(counter))}. Thread-safe.
 */
public final class RequestCounter implements ExecutionInterceptor {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** A counter at zero. */
  public RequestCounter() {}

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
    String operation = executionAttributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    add(operation != null ? operation : context.httpRequest().method().name());
  }

  /** Counts one request of {@code operation}. */
  void add(String operation) {
    counts.computeIfAbsent(operation, o -> new LongAdder()).increment();
  }

  /** The requests sent so far, of every operation. */
  public long total() {
    long total = 0;
    for (LongAdder count : counts.values()) {
      total += count.sum();
    }
    return total;
  }

  /** The requests of {@code operation} sent so far (e.g. {@code "ListObjectsV2"}). */
  public long of(String operation) {
    LongAdder count = counts.get(operation);
    return count == null ? 0 : count.sum();
  }

  /** The counts so far by operation, in name order. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((operation, count) -> out.put(operation, count.sum()));
    return out;
  }
}
