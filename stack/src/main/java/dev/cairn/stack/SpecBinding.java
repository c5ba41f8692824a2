package dev.cairn.stack;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreFactory.Shape;
import dev.cairn.spi.StoreSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Binds a {@linkplain SpecSyntax syntax tree} to the {@link Registry}: finds each store's factory,
 * decides by its shape which reading of each part applies (option or role, locator or child),
 * checks options and roles, and builds the {@link StoreSpec} tree with each factory's sensitive
 * options marked. Every problem is collected; the spec is rejected once, with all of them, in one
 * {@link StackSpecException}.
 *
 * <p>Not thread-safe; one instance binds one spec.
 */
final class SpecBinding {
  /** At most this many problems are listed; a spec with more is mostly noise after these. */
  static final int MAX_REPORTED = 20;

  private final Registry registry;
  private final String spec;
  private final List<Problem> problems = new ArrayList<>();
  private final List<Misplaced> misplaced = new ArrayList<>();
  private final List<Draft> drafts = new ArrayList<>();

  /** Where each store built by {@link #toSpec} for opening starts in the spec, by identity. */
  private final Map<StoreSpec, Integer> positions = new java.util.IdentityHashMap<>();

  /** The spec with misplaced options moved where they belong, once known. */
  private @Nullable String rewritten;

  private SpecBinding(Registry registry, String spec) {
    this.registry = registry;
    this.spec = spec;
  }

  /** A store being bound: what is known of it so far. */
  private static final class Draft {
    final SpecSyntax.Term term;
    final @Nullable Draft parent;
    final int depth;

    /** The store type's entry; null where the type is unknown (a problem already reported). */
    final Registry.@Nullable Entry entry;

    final Map<String, String> options = new TreeMap<>();
    final Map<String, Draft> children = new LinkedHashMap<>();
    @Nullable String locator;

    /** Whether a {@link StoreSpec} can be built from this node alone. */
    boolean complete = true;

    Draft(SpecSyntax.Term term, @Nullable Draft parent, Registry.@Nullable Entry entry) {
      this.term = term;
      this.parent = parent;
      this.depth = parent == null ? 0 : parent.depth + 1;
      this.entry = entry;
    }

    /** The entry of a draft whose store type is known: every one bound past its name. */
    Registry.Entry known() {
      if (entry == null) {
        throw new IllegalStateException("store type '" + term.name + "' is not known");
      }
      return entry;
    }
  }

  /** An option given to a store that does not declare it. */
  private static final class Misplaced {
    final Draft from;
    final String key;
    final @Nullable String value;
    @Nullable Draft target;

    Misplaced(Draft from, String key, @Nullable String value) {
      this.from = from;
      this.key = key;
      this.value = value;
    }
  }

  /**
   * Reads {@code spec} against {@code registry}.
   *
   * @throws StackSpecException with every problem found
   */
  static StoreSpec bind(String spec, Registry registry) {
    return bound(spec, registry).tree;
  }

  /** A bound spec: its tree, and where in the spec's text each store of the tree is written. */
  static final class Bound {
    final StoreSpec tree;
    private final Map<StoreSpec, Integer> positions;
    private final SpecDisplay display;

    private Bound(StoreSpec tree, Map<StoreSpec, Integer> positions, SpecDisplay display) {
      this.tree = tree;
      this.positions = positions;
      this.display = display;
    }

    /** "at 6 in "cache:dsik:/x"": where {@code node}, a store of {@link #tree}, is written. */
    String where(StoreSpec node) {
      return display.at(positions.getOrDefault(node, 0));
    }
  }

  /**
   * Reads {@code spec} against {@code registry}, keeping the position of each store.
   *
   * @throws StackSpecException with every problem found
   */
  static Bound bound(String spec, Registry registry) {
    SpecSyntax.Parsed parsed = SpecSyntax.parse(spec);
    SpecBinding binding = new SpecBinding(registry, spec);
    if (parsed.root == null) {
      binding.problems.addAll(parsed.problems);
      throw binding.failure(null);
    }
    Draft root = binding.bind(parsed.root, null);
    binding.placeMisplaced(root);
    if (!binding.problems.isEmpty()) {
      throw binding.failure(parsed.root);
    }
    StoreSpec tree =
        requireNonNull(binding.toSpec(root, null), "the spec of a tree bound without problems");
    return new Bound(
        tree, binding.positions, SpecDisplay.of(spec, parsed.root, registry.sensitiveNames()));
  }

  private Draft bind(SpecSyntax.Term term, @Nullable Draft parent) {
    Registry.Entry entry = term.name.isEmpty() ? null : registry.find(term.name).orElse(null);
    Draft draft = new Draft(term, parent, entry);
    drafts.add(draft);
    problems.addAll(term.problems);
    if (!term.problems.isEmpty()) {
      draft.complete = false;
    }
    if (term.name.isEmpty()) {
      return draft;
    }
    if (entry == null) {
      problems.add(
          Problem.unknownType(
              term.start,
              term.name,
              Spelling.closest(term.name, registry.names()),
              registry.failures()));
      draft.complete = false;
      bindLoosely(term, draft);
      return draft;
    }
    Set<String> inParentheses = bindArgs(term, draft);
    switch (entry.shape) {
      case LEAF:
        bindLeafRest(term, draft, inParentheses);
        break;
      case DECORATOR:
        bindDecoratorRest(term, draft);
        break;
      case COMBINATOR:
        bindCombinatorRest(term, draft);
        break;
      default:
        throw new AssertionError(entry.shape);
    }
    return draft;
  }

  /** Binds the arguments in parentheses; returns the keys given there. */
  private Set<String> bindArgs(SpecSyntax.Term term, Draft draft) {
    Registry.Entry entry = draft.known();
    Set<String> seen = new HashSet<>();
    if (term.args == null) {
      return seen;
    }
    for (SpecSyntax.Arg arg : term.args) {
      SpecSyntax.Value value = arg.value;
      if (arg.key == null) {
        draft.complete = false;
        if (value.term == null) {
          problems.add(Problem.optionWithoutValue(value.start, value.end));
        } else if (entry.shape == Shape.LEAF) {
          problems.add(Problem.leafWithRole(arg.keyStart, "", entry.name));
        } else {
          problems.add(Problem.storeWithoutRole(arg.keyStart, entry.name, roles(entry)));
          bind(value.term, draft);
        }
        continue;
      }
      if (arg.key.isEmpty()) {
        problems.add(Problem.missingKey(arg.keyStart));
        draft.complete = false;
        continue;
      }
      if (!seen.add(arg.key)) {
        problems.add(Problem.givenTwice(arg.keyStart, arg.key, entry.name));
        draft.complete = false;
        continue;
      }
      if (roles(entry).contains(arg.key)) {
        if (value.term == null) {
          problems.add(Problem.roleNeedsStore(value.start, arg.key, entry.name));
          draft.complete = false;
        } else {
          draft.children.put(arg.key, bind(value.term, draft));
        }
      } else if (entry.options.containsKey(arg.key)) {
        option(draft, arg.key, arg.keyStart, value.text, value.textProblems);
      } else if (value.term != null && looksLikeRole(entry, arg.key)) {
        draft.complete = false;
        if (entry.shape == Shape.LEAF) {
          problems.add(Problem.leafWithRole(arg.keyStart, arg.key, entry.name));
        } else {
          problems.add(
              Problem.unknownRole(
                  arg.keyStart,
                  arg.key,
                  entry.name,
                  roles(entry),
                  Spelling.closest(arg.key, roles(entry))));
          bind(value.term, draft);
        }
      } else {
        problems.addAll(value.textProblems);
        misplaced(draft, arg.key, arg.keyStart, value.text);
      }
    }
    return seen;
  }

  /**
   * Whether an unknown key whose value reads as a store was meant as a role rather than as a
   * misspelt or misplaced option.
   */
  private boolean looksLikeRole(Registry.Entry entry, String key) {
    return Spelling.closest(key, entry.options.keySet()).isEmpty()
        && registry.entries().stream().noneMatch(e -> e.options.containsKey(key));
  }

  private static List<String> roles(Registry.Entry entry) {
    return entry.shape == Shape.DECORATOR ? List.of(StoreSpec.CHILD) : entry.roles;
  }

  private void bindLeafRest(SpecSyntax.Term term, Draft draft, Set<String> inParentheses) {
    if (term.child != null) {
      problems.add(Problem.leafWithChild(term.child.start, draft.known().name));
      draft.complete = false;
    }
    SpecSyntax.Locator locator = term.locator;
    if (locator == null) {
      return;
    }
    problems.addAll(locator.problems);
    if (!locator.problems.isEmpty()) {
      draft.complete = false;
    }
    draft.locator = locator.path;
    Set<String> inQuery = new HashSet<>();
    for (SpecSyntax.Opt opt : locator.query) {
      if (opt.key.isEmpty()) {
        continue;
      }
      if (!inQuery.add(opt.key)) {
        problems.add(Problem.givenTwice(opt.keyStart, opt.key, draft.known().name));
        draft.complete = false;
      } else if (inParentheses.contains(opt.key)) {
        problems.add(Problem.inParenthesesAndQuery(opt.keyStart, opt.key, draft.known().name));
        draft.complete = false;
      } else if (draft.known().options.containsKey(opt.key)) {
        option(draft, opt.key, opt.keyStart, opt.text, List.of());
      } else {
        misplaced(draft, opt.key, opt.keyStart, opt.text);
      }
    }
  }

  private void bindDecoratorRest(SpecSyntax.Term term, Draft draft) {
    if (term.child != null) {
      if (draft.children.containsKey(StoreSpec.CHILD)) {
        problems.add(Problem.childGivenTwice(term.child.start, draft.known().name));
        draft.complete = false;
      } else {
        draft.children.put(StoreSpec.CHILD, bind(term.child, draft));
      }
    } else if (term.locator != null) {
      int start = term.locator.start;
      int end = term.locator.end;
      problems.add(
          draft.children.containsKey(StoreSpec.CHILD)
              ? Problem.decoratorWithLocator(start, end, draft.known().name)
              : Problem.decoratorWithoutChild(start, end, draft.known().name));
      draft.complete = false;
    } else if (!draft.children.containsKey(StoreSpec.CHILD) && term.problems.isEmpty()) {
      problems.add(Problem.decoratorWithoutChild(term.start, term.start, draft.known().name));
      draft.complete = false;
    }
  }

  private void bindCombinatorRest(SpecSyntax.Term term, Draft draft) {
    Registry.Entry entry = draft.known();
    SpecSyntax.Term child = term.child;
    SpecSyntax.Locator locator = term.locator;
    if (child != null || locator != null) {
      int at = child != null ? child.start : requireNonNull(locator, "locator").start;
      problems.add(Problem.combinatorAfterColon(at, entry.name, entry.roles));
      draft.complete = false;
    }
    List<String> missing =
        entry.roles.stream()
            .filter(r -> !draft.children.containsKey(r))
            .collect(Collectors.toList());
    if (!missing.isEmpty()) {
      draft.complete = false;
      if (term.problems.isEmpty()) {
        problems.add(Problem.missingRoles(term.start, entry.name, entry.roles, missing));
      }
    }
  }

  /**
   * Binds what can be bound under a store of unknown type, so that problems inside it are reported
   * too: values that read as stores are bound as stores, others only decoded.
   */
  private void bindLoosely(SpecSyntax.Term term, Draft draft) {
    if (term.args != null) {
      for (SpecSyntax.Arg arg : term.args) {
        boolean option =
            arg.key != null
                && registry.entries().stream().anyMatch(e -> e.options.containsKey(arg.key));
        if (arg.value.term != null && !option) {
          bind(arg.value.term, draft);
        } else {
          problems.addAll(arg.value.textProblems);
        }
      }
    }
    if (term.child != null) {
      bind(term.child, draft);
    }
    if (term.locator != null) {
      problems.addAll(term.locator.problems);
    }
  }

  private void option(
      Draft draft, String key, int at, @Nullable String text, List<Problem> textProblems) {
    problems.addAll(textProblems);
    if (text == null) {
      draft.complete = false;
      return;
    }
    try {
      requireNonNull(draft.known().options.get(key), "a declared option").parse(text);
    } catch (StoreConfigurationException e) {
      problems.add(Problem.badValue(at, key, draft.known().name, String.valueOf(e.getMessage())));
      draft.complete = false;
      return;
    }
    draft.options.put(key, text);
  }

  private void misplaced(Draft draft, String key, int at, @Nullable String text) {
    Misplaced m = new Misplaced(draft, key, text);
    misplaced.add(m);
    Registry.Entry entry = draft.known();
    problems.add(
        Problem.optionNotAccepted(at, key, entry.name, entry.options.keySet(), where -> advice(m)));
  }

  /** What to do about a misplaced option: where it belongs, or what was probably meant. */
  private String advice(Misplaced m) {
    Draft target = m.target;
    if (target != null) {
      return rewritten != null
          ? "; write " + rewritten
          : "; '" + target.known().name + "' in this spec accepts it";
    }
    StringBuilder out = new StringBuilder();
    Spelling.closest(m.key, m.from.known().keys())
        .ifPresent(s -> out.append(" (did you mean '").append(s).append("'?)"));
    List<String> owners =
        registry.entries().stream()
            .filter(e -> e.options.containsKey(m.key))
            .map(e -> e.name)
            .collect(Collectors.toList());
    if (!owners.isEmpty()) {
      out.append("; it is an option of ").append(String.join(", ", owners));
    }
    return out.toString();
  }

  /**
   * Finds, for each misplaced option, the nearest store in this spec that declares it, and if the
   * spec is otherwise sound, the spec rewritten with every such option moved there.
   */
  private void placeMisplaced(Draft root) {
    if (misplaced.isEmpty()) {
      return;
    }
    for (Misplaced m : misplaced) {
      m.target =
          drafts.stream()
              .filter(
                  d ->
                      d != m.from
                          && d.entry != null
                          && d.entry.options.containsKey(m.key)
                          && !d.options.containsKey(m.key))
              .min(Comparator.comparingInt(d -> distance(d, m.from)))
              .orElse(null);
    }
    boolean movable =
        problems.size() == misplaced.size()
            && drafts.stream().allMatch(d -> d.complete)
            && misplaced.stream().allMatch(m -> m.target != null && m.value != null);
    if (!movable) {
      return;
    }
    for (Misplaced m : misplaced) {
      if (requireNonNull(m.target, "target")
              .options
              .putIfAbsent(m.key, requireNonNull(m.value, "value"))
          != null) {
        return;
      }
    }
    StoreSpec fixed = toSpec(root, registry.sensitiveNames());
    rewritten = fixed == null ? null : fixed.toString();
  }

  private static int distance(Draft a, Draft b) {
    int steps = 0;
    while (a != b) {
      if (a.depth >= b.depth) {
        a = requireNonNull(a.parent, "parent of a draft deeper than another");
      } else {
        b = requireNonNull(b.parent, "parent of a draft deeper than another");
      }
      steps++;
    }
    return steps;
  }

  /**
   * The spec of {@code draft}, or {@code null} if any node under it is incomplete. {@code
   * sensitive} overrides each factory's sensitive options (for printing in messages).
   */
  private @Nullable StoreSpec toSpec(@Nullable Draft draft, @Nullable Set<String> sensitive) {
    if (draft == null || !draft.complete || draft.entry == null) {
      return null;
    }
    Registry.Entry entry = draft.entry;
    StoreSpec built;
    switch (entry.shape) {
      case LEAF:
        built = StoreSpec.leaf(entry.name, draft.locator, draft.options);
        break;
      case DECORATOR:
        {
          StoreSpec child = toSpec(draft.children.get(StoreSpec.CHILD), sensitive);
          if (child == null) {
            return null;
          }
          built = StoreSpec.decorator(entry.name, draft.options, child);
          break;
        }
      case COMBINATOR:
        {
          Map<String, StoreSpec> children = new LinkedHashMap<>();
          for (String role : entry.roles) {
            StoreSpec child = toSpec(draft.children.get(role), sensitive);
            if (child == null) {
              return null;
            }
            children.put(role, child);
          }
          built = StoreSpec.combinator(entry.name, draft.options, children);
          break;
        }
      default:
        throw new AssertionError(entry.shape);
    }
    StoreSpec result = built.withSensitiveOptions(sensitive != null ? sensitive : entry.sensitive);
    if (sensitive == null) {
      positions.put(result, draft.term.start);
    }
    return result;
  }

  /** The exception reporting every problem, with the spec quoted and its secrets masked. */
  private StackSpecException failure(SpecSyntax.@Nullable Term root) {
    SpecDisplay display = SpecDisplay.of(spec, root, registry.sensitiveNames());
    String known =
        registry.names().isEmpty()
            ? "none (no store factory was found)"
            : String.join(", ", registry.names());
    Problem.Where where =
        new Problem.Where() {
          @Override
          public String at(int position) {
            return display.at(position);
          }

          @Override
          public String knownTypes() {
            return known;
          }

          @Override
          public String text(int start, int end) {
            return display.text(start, end);
          }
        };
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparingInt(p -> p.position));
    List<String> messages = new ArrayList<>();
    for (Problem p : sorted.subList(0, Math.min(sorted.size(), MAX_REPORTED))) {
      messages.add(display.isMasked(p.position) ? p.renderRedacted(where) : p.render(where));
    }
    return new StackSpecException(messages, sorted.size() > MAX_REPORTED);
  }
}
