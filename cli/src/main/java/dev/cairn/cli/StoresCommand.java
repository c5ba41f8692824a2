package dev.cairn.cli;

import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.StoreType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cairn stores}: every store type on the class path, documented. */
@Command(
    name = "stores",
    description =
        "List every store type found on the class path with its shape, roles,"
            + " options, defaults and documentation.")
final class StoresCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CairnCommand root = (CairnCommand) spec.root().userObject();
    List<StoreType> types = Cairn.storeTypes();
    List<String> failed = Cairn.failedProviders();
    if (root.json) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (StoreType type : types) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", type.name());
        t.put("shape", type.shape().name().toLowerCase(java.util.Locale.ROOT));
        t.put("roles", type.roles());
        t.put("description", type.description());
        t.put("synopsis", type.synopsis());
        t.put("origin", type.origin());
        t.put(
            "maxObjectSize",
            type.maxObjectSize().isPresent() ? type.maxObjectSize().getAsLong() : null);
        List<Map<String, Object>> options = new ArrayList<>();
        for (StoreOption<?> option : type.options()) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("name", option.name());
          o.put("type", option.type());
          o.put("default", option.defaultValue().map(String::valueOf).orElse(null));
          o.put("sensitive", option.isSensitive());
          o.put("description", option.description());
          options.add(o);
        }
        t.put("options", options);
        list.add(t);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("types", list);
      result.put("failedProviders", failed);
      root.io.out.println(Json.write(result));
      return 0;
    }
    for (StoreType type : types) {
      root.io.out.println(
          type.name()
              + " ("
              + type.shape().name().toLowerCase(java.util.Locale.ROOT)
              + (type.roles().isEmpty() ? "" : "; roles: " + String.join(", ", type.roles()))
              + ")  "
              + type.synopsis());
      root.io.out.println("    " + type.description());
      root.io.out.println("    objects: " + objectLimit(type));
      for (StoreOption<?> option : type.options()) {
        root.io.out.println(
            "    "
                + option.name()
                + "="
                + option.type()
                + option.defaultValue().map(v -> " (default " + v + ")").orElse("")
                + (option.isSensitive() ? " [sensitive]" : "")
                + ": "
                + option.description());
      }
      root.io.out.println("    from " + type.origin());
    }
    for (String failure : failed) {
      root.io.err.println("cairn: warning: unusable store provider: " + failure);
    }
    return 0;
  }

  /** The object size limit of {@code type}, in words. */
  static String objectLimit(StoreType type) {
    if (type.maxObjectSize().isEmpty()) {
      return type.shape() == StoreFactory.Shape.LEAF
          ? "no limit of its own"
          : "what the stores below hold";
    }
    long limit = type.maxObjectSize().getAsLong();
    return "at most " + limit + " bytes (" + ObjectStreams.sizeInWords(limit) + ")";
  }
}
