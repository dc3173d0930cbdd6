package io.attentionstream.tests;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Collects every log line (INFO and up, ours from DEBUG) while open, with stack traces. */
final class LogCapture implements AutoCloseable {
    private final StringBuilder text = new StringBuilder();
    private final AbstractAppender appender;
    private final Level rootLevel;
    private final Map<String, Appender> silenced;
    private final LoggerContext context;

    LogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                synchronized (text) {
                    text.append(event.getLoggerName())
                            .append(": ")
                            .append(event.getMessage().getFormattedMessage())
                            .append('\n');
                    if (event.getThrown() != null) {
                        StringWriter trace = new StringWriter();
                        event.getThrown().printStackTrace(new PrintWriter(trace));
                        text.append(trace);
                    }
                }
            }
        };
        appender.start();
        LoggerConfig root = config.getRootLogger();
        rootLevel = root.getLevel();
        // The test's own appenders stay quiet while the level is raised for the capture.
        silenced = new HashMap<>(root.getAppenders());
        silenced.keySet().forEach(root::removeAppender);
        root.addAppender(appender, Level.DEBUG, null);
        root.setLevel(Level.INFO);
        LoggerConfig ours = new LoggerConfig("io.attentionstream", Level.DEBUG, true);
        config.addLogger("io.attentionstream", ours);
        context.updateLoggers();
    }

    String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender("capture");
        silenced.values().forEach(a -> root.addAppender(a, null, null));
        root.setLevel(rootLevel);
        config.removeLogger("io.attentionstream");
        context.updateLoggers();
        appender.stop();
    }
}
