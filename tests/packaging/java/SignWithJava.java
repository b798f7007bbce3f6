// A plain Java program (no Kotlin) that uses the snapsign jar the way a Java team would:
// compiled with javac against OUT/kotlin/*.jar only, run with
//   java -cp snapsign-<v>.jar:jna-<v>.jar:kotlin-stdlib-<v>.jar:. SignWithJava <vectors dir> <version>
// and no -Djna.library.path: JNA must find libsnapsign inside the jar (linux-x86-64/).
//
// It signs every token, transaction and service vector of tests/vectors/snap-vectors.json with the
// TEST keys, checks each signature equals the vector's, verifies them, signs a complete provider
// request, and checks a bad key is a typed exception. Prints "N passed, M failed"; exit 1 on any
// failure. The Java-side rough edges of the Kotlin API are noted in docs/packaging.md.

import id.snapsign.Header;
import id.snapsign.RequestSigner;
import id.snapsign.SignedRequest;
import id.snapsign.SnapException;
import id.snapsign.SnapSigner;
import id.snapsign.SnapSignVersion;
import id.snapsign.SnapVerifier;
import id.snapsign.SnapsignKt;
import id.snapsign.TransactionSigner;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class SignWithJava {
    private static int passed = 0;
    private static int failed = 0;

    private static void check(String name, boolean ok, String detail) {
        if (ok) {
            passed++;
        } else {
            failed++;
            System.out.println("FAIL " + name + " " + detail);
        }
    }

    private static void eq(String name, Object actual, Object expected) {
        boolean same = expected == null ? actual == null : expected.equals(actual);
        check(name, same, "\n  expected: " + expected + "\n  actual:   " + actual);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SignWithJava <tests/vectors dir> <expected version>");
            System.exit(2);
        }
        File vectorsDir = new File(args[0]);
        String expectedVersion = args[1];
        File keys = new File(vectorsDir, "keys");
        @SuppressWarnings("unchecked")
        Map<String, Object> vectors = (Map<String, Object>) new Json(
                new String(Files.readAllBytes(new File(vectorsDir, "snap-vectors.json").toPath()), StandardCharsets.UTF_8))
                .parse();

        // The library came from the jar, not from a path given to JNA.
        eq("no jna.library.path", System.getProperty("jna.library.path"), null);
        eq("SnapSignVersion.VERSION", SnapSignVersion.VERSION, expectedVersion);
        eq("snapsign_version() of the loaded library", SnapSignVersion.library(), expectedVersion);
        String prefix = com.sun.jna.Platform.RESOURCE_PREFIX;
        eq("JNA resource prefix", prefix, "linux-x86-64");
        check("the jar holds " + prefix + "/libsnapsign.so", resource(prefix + "/libsnapsign.so").length > 0, "");
        // JNA extracts a library it finds on the class path to a temporary jna<digits>.tmp file, maps
        // it and deletes it; a library found on a library path would keep its own name.
        File loaded = com.sun.jna.NativeLibrary.getInstance("snapsign").getFile();
        String maps = new String(Files.readAllBytes(new File("/proc/self/maps").toPath()), StandardCharsets.UTF_8);
        check("JNA loaded libsnapsign extracted from the jar", loaded != null
                && loaded.getName().matches("jna-?[0-9]+\\.tmp") && maps.contains(loaded.getPath()), String.valueOf(loaded));

        int tokens = 0;
        for (Map<String, Object> t : objects(vectors.get("token_b2b"))) {
            String key = str(t, "key");
            // Kotlin default arguments are not visible from Java: passphrase and allowWeakKey are explicit.
            try (SnapSigner signer = new SnapSigner(read(keys, key + "-pkcs8.pem"), null, false);
                 SnapVerifier verifier = new SnapVerifier(read(keys, key + "-public.pem"), false)) {
                String sig = signer.signToken(str(t, "client_id"), str(t, "timestamp"));
                eq("token_b2b " + key + " " + str(t, "client_id"), sig, str(t, "signature"));
                check("token_b2b verifies", verifier.verifyToken(str(t, "client_id"), str(t, "timestamp"), sig), "");
                check("token_b2b other client refused",
                        !verifier.verifyToken(str(t, "client_id") + "X", str(t, "timestamp"), sig), "");
                tokens++;
            }
        }

        int transactions = 0;
        for (Map<String, Object> t : objects(vectors.get("transaction_hmac"))) {
            byte[] body = str(t, "body").getBytes(StandardCharsets.UTF_8);
            // Top-level Kotlin functions are static methods of the file class SnapsignKt.
            String sig = SnapsignKt.signTransaction(str(t, "client_secret"), str(t, "method"), str(t, "path"),
                    str(t, "access_token"), body, str(t, "timestamp"));
            eq("transaction_hmac " + str(t, "path"), sig, str(t, "signature"));
            try (TransactionSigner signer = new TransactionSigner(str(t, "client_secret"))) {
                eq("TransactionSigner.sign", signer.sign(str(t, "method"), str(t, "path"), str(t, "access_token"), body,
                        str(t, "timestamp")), str(t, "signature"));
                check("TransactionSigner.verify", signer.verify(str(t, "method"), str(t, "path"), str(t, "access_token"),
                        body, str(t, "timestamp"), sig), "");
            }
            check("verifyTransaction wrong secret refused", !SnapsignKt.verifyTransaction(str(t, "client_secret") + "x",
                    str(t, "method"), str(t, "path"), str(t, "access_token"), body, str(t, "timestamp"), sig), "");
            transactions++;
        }

        int services = 0;
        for (Map<String, Object> t : objects(vectors.get("service_rsa"))) {
            String key = str(t, "key");
            byte[] body = str(t, "body").getBytes(StandardCharsets.UTF_8);
            try (SnapSigner signer = new SnapSigner(read(keys, key + "-pkcs8.pem"), null, false);
                 SnapVerifier verifier = new SnapVerifier(read(keys, key + "-public.pem"), false)) {
                String sig = signer.signService(str(t, "method"), str(t, "path"), body, str(t, "timestamp"));
                eq("service_rsa " + key + " " + str(t, "path"), sig, str(t, "signature"));
                check("service_rsa verifies", verifier.verifyService(str(t, "method"), str(t, "path"), body,
                        str(t, "timestamp"), sig), "");
            }
            services++;
        }
        check("every vector group is non-empty", tokens > 0 && transactions > 0 && services > 0,
                tokens + "/" + transactions + "/" + services);

        // A complete service request for a provider profile (DANA signs with RSA): companion-object
        // factories are reached through RequestSigner.Companion, and sign() takes all 15 arguments.
        String ts = "2020-01-01T04:10:00+07:00";
        String path = "/v1.0/debit/payment-host-to-host.htm";
        byte[] body = "{ \"amount\": { \"value\": \"10000.00\", \"currency\": \"IDR\" } }".getBytes(StandardCharsets.UTF_8);
        try (RequestSigner dana = RequestSigner.Companion.withPrivateKey("dana", read(keys, "rsa2048-pkcs8.pem"), null, false);
             SnapSigner rsa = new SnapSigner(read(keys, "rsa2048-pkcs8.pem"), null, false)) {
            SignedRequest signed = dana.sign("POST", path, body, "C1", null, "12345678901234567890", null, null, null,
                    null, null, null, null, ts, null);
            List<String> names = new ArrayList<>();
            for (Header h : signed.getHeaders()) {
                names.add(h.getName());
            }
            eq("DANA header order", names,
                    List.of("Content-Type", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"));
            eq("DANA X-TIMESTAMP", signed.header("X-TIMESTAMP"), ts);
            eq("DANA X-SIGNATURE is the signature", signed.header("X-SIGNATURE"), signed.getSignature());
            eq("DANA signature = SnapSigner.signService of the same call", signed.getSignature(),
                    rsa.signService("POST", path, body, ts));
            // And independently: java.security over the string to sign, with the minified body's digest.
            String minified = "{\"amount\":{\"value\":\"10000.00\",\"currency\":\"IDR\"}}";
            String digest = hex(MessageDigest.getInstance("SHA-256").digest(minified.getBytes(StandardCharsets.UTF_8)));
            PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(read(keys, "rsa2048-public.der")));
            Signature verify = Signature.getInstance("SHA256withRSA");
            verify.initVerify(pub);
            verify.update(("POST:" + path + ":" + digest + ":" + ts).getBytes(StandardCharsets.UTF_8));
            check("DANA signature verifies with java.security", verify.verify(Base64.getDecoder().decode(signed.getSignature())), "");
        }

        // Bad input is a typed exception (SnapException extends java.lang.Exception). The generated
        // constructors do not declare it (no @Throws), so javac refuses `catch (SnapException e)`
        // around a constructor alone: catch Exception and test the type.
        try (SnapSigner bad = new SnapSigner("not a key".getBytes(StandardCharsets.UTF_8), null, false)) {
            check("a bad key is refused", false, "constructed " + bad);
        } catch (Exception e) {
            check("a bad key is SnapException.InvalidKey", e instanceof SnapException.InvalidKey, e.toString());
            if (e instanceof SnapException.InvalidKey) {
                SnapException.InvalidKey invalid = (SnapException.InvalidKey) e;
                check("InvalidKey has the core's reason as its message", !invalid.getReason().isEmpty()
                        && invalid.getReason().equals(invalid.getMessage()), invalid.getReason());
            }
        }
        try (SnapSigner signer = new SnapSigner(read(keys, "rsa2048-pkcs8.pem"), null, false)) {
            signer.signToken("a|b", ts);
            check("a pipe in the client id is refused", false, "signed");
        } catch (SnapException.PipeInClientId e) {
            passed++;
        }

        System.out.println(passed + " passed, " + failed + " failed (" + tokens + " token, " + transactions
                + " transaction, " + services + " service vectors)");
        if (failed != 0) {
            System.exit(1);
        }
    }

    private static byte[] read(File dir, String name) throws IOException {
        return Files.readAllBytes(new File(dir, name).toPath());
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SignWithJava.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the class path");
            }
            return in.readAllBytes();
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String)) {
            throw new IllegalArgumentException("vector field " + key + " is not a string: " + v);
        }
        return (String) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(Object v) {
        return (List<Map<String, Object>>) v;
    }

    /** A small JSON reader, enough for the vectors file (objects, arrays, strings, numbers, literals). */
    private static final class Json {
        private final String s;
        private int i = 0;

        Json(String s) {
            this.s = s;
        }

        Object parse() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw new IllegalArgumentException("trailing data at " + i);
            }
            return v;
        }

        private void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                return object();
            } else if (c == '[') {
                return array();
            } else if (c == '"') {
                return string();
            } else if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            } else if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            } else if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
            }
            return Double.parseDouble(s.substring(start, i));
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (s.charAt(i) == '}') {
                i++;
                return m;
            }
            while (true) {
                ws();
                String k = string();
                ws();
                expect(':');
                m.put(k, value());
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                expect(',');
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            ws();
            if (s.charAt(i) == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                expect(',');
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"': b.append('"'); break;
                    case '\\': b.append('\\'); break;
                    case '/': b.append('/'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'u':
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default:
                        throw new IllegalArgumentException("bad escape \\" + e + " at " + i);
                }
            }
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
            }
            i++;
        }
    }
}
