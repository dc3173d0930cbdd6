package io.attentionstream.tools.cli;

import java.util.concurrent.Callable;

/**
 * A command that a module on the launcher's classpath adds to `bin/attention-stream`, found with
 * {@link java.util.ServiceLoader}: a picocli {@code @Command}, listed in
 * {@code META-INF/services/io.attentionstream.tools.cli.ToolCommand}.
 */
public interface ToolCommand extends Callable<Integer> {}
