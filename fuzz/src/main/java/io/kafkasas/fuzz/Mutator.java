package io.kafkasas.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Bad input near good input, from a seed: bytes with bits flipped, cut short, repeated or replaced, and JSON with
 * fields dropped, retyped, made absurd (huge numbers, long or control-character strings, deep nesting) or broken.
 * Every mutation is bounded (at most {@link #MAX_BYTES} bytes), and the same seed gives the same sequence.
 */
public final class Mutator {

    /** The largest input made: room for absurd lengths, not for exhausting a reader's memory by size alone. */
    public static final int MAX_BYTES = 512 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Random random;

    public Mutator(long seed) {
        this.random = new Random(seed);
    }

    /** Random bytes, up to {@code max} of them (possibly none). */
    public byte[] randomBytes(int max) {
        byte[] bytes = new byte[random.nextInt(Math.min(max, MAX_BYTES) + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** {@code valid}, damaged one way chosen at random. */
    public byte[] mutate(byte[] valid) {
        byte[] bytes = valid.clone();
        switch (random.nextInt(7)) {
            case 0 -> {
                for (int flips = 1 + random.nextInt(4); flips > 0 && bytes.length > 0; flips--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return bytes;
            }
            case 1 -> {
                return Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
            }
            case 2 -> {
                return randomBytes(Math.max(16, bytes.length * 2));
            }
            case 3 -> {
                if (bytes.length > 0) {
                    bytes[random.nextInt(bytes.length)] = (byte) (random.nextBoolean() ? 0xFF : 0x7F);
                }
                return bytes;
            }
            case 4 -> {
                byte[] longer = Arrays.copyOf(bytes, Math.min(MAX_BYTES, bytes.length + 1 + random.nextInt(64)));
                for (int i = bytes.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                return longer;
            }
            case 5 -> {
                return new byte[0];
            }
            default -> {
                int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                byte[] repeated = Arrays.copyOf(bytes, Math.min(MAX_BYTES, bytes.length + (bytes.length - from)));
                System.arraycopy(bytes, from, repeated, bytes.length, repeated.length - bytes.length);
                return repeated;
            }
        }
    }

    /** A JSON text near {@code valid} (an object): some of it changed at random, or the text itself broken. */
    public byte[] mutateJson(ObjectNode valid) {
        ObjectNode tree = valid.deepCopy();
        List<String> fields = new ArrayList<>();
        tree.fieldNames().forEachRemaining(fields::add);
        int mutation = random.nextInt(8);
        switch (mutation) {
            case 0 -> tree.remove(pick(fields));
            case 1, 2 -> tree.set(pick(fields), absurdValue());
            case 3 -> tree.set("x" + random.nextInt(1000), absurdValue());
            case 4 -> {
                return deeplyNested(1000 + random.nextInt(100_000));
            }
            default -> {
                return mutate(text(tree));
            }
        }
        return text(tree);
    }

    /** A value of a random JSON type, often one no field expects. */
    public JsonNode absurdValue() {
        return switch (random.nextInt(12)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(Long.MAX_VALUE);
            case 3 -> NODES.numberNode(new BigInteger("1" + "0".repeat(40)));
            case 4 -> NODES.numberNode(-1 - random.nextInt(1000));
            case 5 -> NODES.numberNode(random.nextDouble() * 1e308);
            case 6 -> NODES.textNode("x".repeat(random.nextInt(300_000)));
            case 7 -> NODES.textNode(controlCharacters());
            case 8 -> NODES.textNode("ｅｃｈｏ\u202e/../..;$(id)|\n");
            case 9 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(100); i > 0; i--) {
                    array.add(random.nextInt());
                }
                yield array;
            }
            case 10 -> NODES.objectNode().put("a", random.nextInt()).set("b", NODES.objectNode());
            default -> NODES.numberNode(random.nextInt());
        };
    }

    private String controlCharacters() {
        StringBuilder text = new StringBuilder();
        for (int i = 1 + random.nextInt(20); i > 0; i--) {
            text.append((char) random.nextInt(32));
        }
        return text.toString();
    }

    private static byte[] deeplyNested(int depth) {
        return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.US_ASCII);
    }

    private String pick(List<String> fields) {
        return fields.isEmpty() ? "x" : fields.get(random.nextInt(fields.size()));
    }

    private static byte[] text(JsonNode tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A number in {@code [0, bound)}: for callers that choose what to mutate. */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }
}
