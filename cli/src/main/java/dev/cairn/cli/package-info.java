/**
 * The {@code cairn} command line: {@code put}, {@code cat}, {@code exists}, {@code ref}, {@code
 * import-git}, {@code export-git}, {@code gc}, {@code verify}, {@code stats} and {@code stores}
 * over any store a stack spec opens. {@link dev.cairn.cli.Main} is the runnable jar's entry point;
 * {@link dev.cairn.cli.CairnCli} runs the command over given streams.
 */
@NullMarked
package dev.cairn.cli;

import org.jspecify.annotations.NullMarked;
