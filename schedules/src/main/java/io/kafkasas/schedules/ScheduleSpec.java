package io.kafkasas.schedules;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a schedule fires. A spec is a cron expression of 5 fields (minute to day of week) or 6 (seconds first), a
 * macro ({@code @hourly}, {@code @daily} or {@code @midnight}, {@code @weekly}, {@code @monthly}, {@code @yearly}
 * or {@code @annually}), or a fixed interval ({@code every 30s}, {@code every 5m}, {@code every 2h}). Cron and
 * macros read the wall clock of a named time zone; intervals count real time from the epoch.
 *
 * <p>Daylight saving, one rule: a slot whose local time does not exist (the clock jumps forward over it) fires once,
 * at the first valid time after the jump; slots of a repeated hour (the clock goes back) fire once, at their first
 * occurrence. So every local slot fires exactly once, and none fires twice.
 */
public final class ScheduleSpec {

    private static final Pattern EVERY = Pattern.compile("every\\s+(\\d{1,9})\\s*(s|m|h)");
    private static final Map<String, String> MACROS = Map.of("@hourly", "0 * * * *", "@daily", "0 0 * * *",
        "@midnight", "0 0 * * *", "@weekly", "0 0 * * 0", "@monthly", "0 0 1 * *", "@yearly", "0 0 1 1 *",
        "@annually", "0 0 1 1 *");
    private static final CronParser FIVE_FIELDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(
        CronType.UNIX));
    private static final CronParser SIX_FIELDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(
        CronType.SPRING53));

    private final String text;
    private final ZoneId zone;
    /** Null for an interval. */
    private final ExecutionTime cron;
    /** Null for a cron expression. */
    private final Duration interval;

    private ScheduleSpec(String text, ZoneId zone, ExecutionTime cron, Duration interval) {
        this.text = text;
        this.zone = zone;
        this.cron = cron;
        this.interval = interval;
    }

    /**
     * {@code spec} in {@code zone} (an IANA name such as {@code Europe/Berlin}, or {@code UTC});
     * {@link IllegalArgumentException} saying what is wrong with either.
     */
    public static ScheduleSpec parse(String spec, String zone) {
        ZoneId zoneId;
        try {
            zoneId = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("Unknown time zone '" + zone + "': use an IANA name such as"
                + " Europe/Berlin, or UTC");
        }
        String text = spec.strip();
        Matcher every = EVERY.matcher(text.toLowerCase(Locale.ROOT));
        if (every.matches()) {
            long amount = Long.parseLong(every.group(1));
            Duration interval = switch (every.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            if (interval.isZero()) {
                throw new IllegalArgumentException("An interval must be longer than nothing: '" + spec + "'");
            }
            return new ScheduleSpec(text, zoneId, null, interval);
        }
        String expression = MACROS.getOrDefault(text.toLowerCase(Locale.ROOT), text);
        int fields = expression.split("\\s+").length;
        if (fields != 5 && fields != 6) {
            throw new IllegalArgumentException("'" + spec + "' is neither a cron expression of 5 or 6 fields, a macro"
                + " (" + String.join(", ", MACROS.keySet().stream().sorted().toList()) + ") nor an interval"
                + " ('every 30s', 'every 5m', 'every 2h')");
        }
        try {
            return new ScheduleSpec(text, zoneId, ExecutionTime.forCron((fields == 5 ? FIVE_FIELDS : SIX_FIELDS)
                .parse(expression).validate()), null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + spec + "' is not a valid cron expression: " + e.getMessage(), e);
        }
    }

    /** The first slot strictly after {@code after}; null if the spec has none (a date that never comes). */
    public Instant next(Instant after) {
        if (interval != null) {
            long step = interval.toMillis();
            return Instant.ofEpochMilli(Math.floorDiv(after.toEpochMilli(), step) * step + step);
        }
        // cron reads the wall clock: matches are found in local time, then placed on the time line
        ZonedDateTime cursor = LocalDateTime.ofInstant(after, zone).atZone(ZoneOffset.UTC);
        while (true) {
            ZonedDateTime match = cron.nextExecution(cursor).orElse(null);
            if (match == null) {
                return null;
            }
            Instant fires = instantOf(match.toLocalDateTime());
            if (fires.isAfter(after)) {
                return fires;
            }
            cursor = match;
        }
    }

    /** A local time on the time line: in a gap, the end of the gap; in an overlap, the first occurrence. */
    private Instant instantOf(LocalDateTime local) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        return local.atZone(zone).withEarlierOffsetAtOverlap().toInstant();
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return text + " (" + zone + ")";
    }
}
