package io.ww4j.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server's TLS identity from upstream's PEM files ({@code <sysconfdir>/warewulf/tls/warewulf.key}
 * and {@code .crt}, as {@code wwctl configure tls} writes them: PKCS#1 "RSA PRIVATE KEY"; PKCS#8
 * "PRIVATE KEY" is accepted too).
 */
final class TlsFiles {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private TlsFiles() {}

    static SSLContext load(Path key, Path cert) {
        if (!Files.isRegularFile(key) || !Files.isRegularFile(cert)) {
            throw new IllegalStateException("warewulf.tls is on but " + (Files.isRegularFile(key) ? cert : key)
                    + " is missing (create both with: wwctl configure tls)");
        }
        try {
            List<Certificate> chain = new ArrayList<>();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(Files.readString(cert, StandardCharsets.US_ASCII))) {
                if (b.type().equals("CERTIFICATE")) {
                    chain.add(cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
            PrivateKey pk = null;
            for (Block b : blocks(Files.readString(key, StandardCharsets.US_ASCII))) {
                if (b.type().equals("RSA PRIVATE KEY")) {
                    pk = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(b.der())));
                } else if (b.type().equals("PRIVATE KEY")) {
                    pk = pkcs8(b.der());
                }
            }
            if (chain.isEmpty() || pk == null) {
                throw new IllegalStateException("no " + (chain.isEmpty() ? "certificate in " + cert
                        : "RSA PRIVATE KEY or PRIVATE KEY in " + key));
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "ww4j".toCharArray();
            ks.setKeyEntry("warewulf", pk, pw, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load TLS key/certificate " + key + ", " + cert + ": " + e.getMessage(),
                    e);
        }
    }

    private record Block(String type, byte[] der) {}

    private static List<Block> blocks(String pem) {
        List<Block> out = new ArrayList<>();
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2).trim())));
        }
        return out;
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException("unsupported private key algorithm");
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(algId);
        body.writeBytes(tlv(0x04, pkcs1));
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
