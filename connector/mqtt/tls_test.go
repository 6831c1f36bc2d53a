package mqtt

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"io"
	"maps"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// Passwords of the test stores.
const (
	tlsTestStorePass = "storepass"
	tlsTestKeyPass   = "keypass"
)

// tlsTestIdentity is a certificate with its private key.
type tlsTestIdentity struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// tlsTestPKI is a throw-away PKI: a CA with a server certificate (for 127.0.0.1) and client
// certificates, and a second CA that the server does not trust, with a client certificate of its
// own. newTLSTestPKI writes every file the tests use into dir.
type tlsTestPKI struct {
	dir        string
	ca, server tlsTestIdentity
}

func newTLSTestPKI(t *testing.T) *tlsTestPKI {
	t.Helper()
	pki := &tlsTestPKI{dir: t.TempDir()}
	caTemplate := func(cn string) *x509.Certificate {
		return &x509.Certificate{
			Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		}
	}
	clientTemplate := func(cn string) *x509.Certificate {
		return &x509.Certificate{
			Subject: pkix.Name{CommonName: cn}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
	}
	pki.ca = newTLSTestIdentity(t, tlsTestECKey(t), caTemplate("test CA"), nil)
	pki.server = newTLSTestIdentity(t, tlsTestECKey(t), &x509.Certificate{
		Subject: pkix.Name{CommonName: "broker"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
	}, &pki.ca)
	client := newTLSTestIdentity(t, tlsTestECKey(t), clientTemplate("client"), &pki.ca)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaClient := newTLSTestIdentity(t, rsaKey, clientTemplate("rsa client"), &pki.ca)
	untrustedCA := newTLSTestIdentity(t, tlsTestECKey(t), caTemplate("untrusted CA"), nil)
	untrustedClient := newTLSTestIdentity(t, tlsTestECKey(t), clientTemplate("untrusted client"), &untrustedCA)

	// PEM files.
	pki.writePEM(t, "ca.pem", tlsTestCertBlock(pki.ca.cert))
	pki.writePEM(t, "untrusted-ca.pem", tlsTestCertBlock(untrustedCA.cert))
	pki.writePEM(t, "client.pem", tlsTestCertBlock(client.cert), tlsTestCertBlock(pki.ca.cert))
	pki.writePEM(t, "client-key.pem", tlsTestPKCS8Block(t, client.key))
	ecDER, err := x509.MarshalECPrivateKey(client.key.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	p256, err := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})
	if err != nil {
		t.Fatal(err)
	}
	pki.writePEM(t, "client-ec-key.pem", &pem.Block{Type: "EC PARAMETERS", Bytes: p256}, // as openssl ecparam -genkey writes it
		&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER})
	pki.writePEM(t, "client-rsa.pem", tlsTestCertBlock(rsaClient.cert))
	pki.writePEM(t, "client-rsa-key.pem", &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})
	pki.writePEM(t, "untrusted-client.pem", tlsTestCertBlock(untrustedClient.cert))
	pki.writePEM(t, "untrusted-client-key.pem", tlsTestPKCS8Block(t, untrustedClient.key))
	pki.writePEM(t, "encrypted-key.pem", &pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{0x30, 0}})
	pki.write(t, "garbage.bin", []byte("not a key store at all"))

	// JKS stores. client.jks holds two key entries; "a-client" comes first alphabetically.
	trust := keystore.New()
	tlsTestNoErr(t, trust.SetTrustedCertificateEntry("ca", keystore.TrustedCertificateEntry{
		CreationTime: time.Now(), Certificate: tlsTestJKSCert(pki.ca.cert),
	}))
	pki.writeJKS(t, "trust.jks", trust, tlsTestStorePass)
	keys := keystore.New()
	tlsTestNoErr(t, keys.SetPrivateKeyEntry("b-untrusted", tlsTestJKSKeyEntry(t, untrustedClient), []byte(tlsTestKeyPass)))
	tlsTestNoErr(t, keys.SetPrivateKeyEntry("a-client", tlsTestJKSKeyEntry(t, client, pki.ca), []byte(tlsTestKeyPass)))
	pki.writeJKS(t, "client.jks", keys, tlsTestStorePass)
	samePass := keystore.New()
	tlsTestNoErr(t, samePass.SetPrivateKeyEntry("rsa", tlsTestJKSKeyEntry(t, rsaClient, pki.ca), []byte(tlsTestStorePass)))
	pki.writeJKS(t, "client-rsa.jks", samePass, tlsTestStorePass)

	// PKCS12 stores.
	p12, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{pki.ca.cert}, tlsTestStorePass)
	if err != nil {
		t.Fatal(err)
	}
	pki.write(t, "trust.p12", p12)
	p12, err = pkcs12.Modern.Encode(client.key, client.cert, []*x509.Certificate{pki.ca.cert}, tlsTestStorePass)
	if err != nil {
		t.Fatal(err)
	}
	pki.write(t, "client.p12", p12)
	pki.write(t, "truncated.p12", p12[:len(p12)/2])
	p12, err = pkcs12.Modern.Encode(rsaKey, rsaClient.cert, nil, tlsTestStorePass)
	if err != nil {
		t.Fatal(err)
	}
	pki.write(t, "client-rsa.p12", p12)
	return pki
}

// tlsTestECKey is a new P-256 key.
func tlsTestECKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newTLSTestIdentity issues a certificate from template for key, signed by issuer (self-signed when nil).
func newTLSTestIdentity(t *testing.T, key crypto.Signer, template *x509.Certificate, issuer *tlsTestIdentity) tlsTestIdentity {
	t.Helper()
	template.SerialNumber = big.NewInt(time.Now().UnixNano())
	template.NotBefore, template.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	parent, signer := template, key
	if issuer != nil {
		parent, signer = issuer.cert, issuer.key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tlsTestIdentity{cert: cert, key: key}
}

// tlsTestCertBlock is c as a PEM block.
func tlsTestCertBlock(c *x509.Certificate) *pem.Block {
	return &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}
}

// tlsTestPKCS8Block is key as an unencrypted PKCS#8 PEM block.
func tlsTestPKCS8Block(t *testing.T, key crypto.Signer) *pem.Block {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &pem.Block{Type: "PRIVATE KEY", Bytes: der}
}

// tlsTestJKSCert is c as a JKS certificate.
func tlsTestJKSCert(c *x509.Certificate) keystore.Certificate {
	return keystore.Certificate{Type: "X.509", Content: c.Raw}
}

// tlsTestJKSKeyEntry is a JKS private key entry for id, followed by the chain certificates.
func tlsTestJKSKeyEntry(t *testing.T, id tlsTestIdentity, chain ...tlsTestIdentity) keystore.PrivateKeyEntry {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(id.key)
	if err != nil {
		t.Fatal(err)
	}
	entry := keystore.PrivateKeyEntry{CreationTime: time.Now(), PrivateKey: der, CertificateChain: []keystore.Certificate{tlsTestJKSCert(id.cert)}}
	for _, c := range chain {
		entry.CertificateChain = append(entry.CertificateChain, tlsTestJKSCert(c.cert))
	}
	return entry
}

// tlsTestNoErr fails the test on err.
func tlsTestNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// path is the name of a file of the PKI.
func (pki *tlsTestPKI) path(name string) string {
	return filepath.Join(pki.dir, name)
}

// write writes a file of the PKI.
func (pki *tlsTestPKI) write(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(pki.path(name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// writePEM writes blocks to a PEM file of the PKI.
func (pki *tlsTestPKI) writePEM(t *testing.T, name string, blocks ...*pem.Block) {
	t.Helper()
	var buf bytes.Buffer
	for _, b := range blocks {
		tlsTestNoErr(t, pem.Encode(&buf, b))
	}
	pki.write(t, name, buf.Bytes())
}

// writeJKS writes ks to a JKS file of the PKI.
func (pki *tlsTestPKI) writeJKS(t *testing.T, name string, ks keystore.KeyStore, password string) {
	t.Helper()
	var buf bytes.Buffer
	tlsTestNoErr(t, ks.Store(&buf, []byte(password)))
	pki.write(t, name, buf.Bytes())
}

// startTLSTestServer listens on 127.0.0.1 with the server certificate and requires a client
// certificate issued by the CA. On each connection it completes the handshake, answers "ok" and closes.
func startTLSTestServer(t *testing.T, pki *tlsTestPKI) string {
	t.Helper()
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(pki.ca.cert)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{pki.server.cert.Raw}, PrivateKey: pki.server.key}},
		ClientCAs:    clientCAs,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
				if conn.(*tls.Conn).Handshake() == nil {
					_, _ = conn.Write([]byte("ok"))
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// tlsTestHandshake dials addr with cfg and reads the server's "ok", which the server only sends after
// it has verified the client certificate (with TLS 1.3 the client's side of the handshake ends first).
func tlsTestHandshake(addr string, cfg *tls.Config) error {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	_, err = io.ReadFull(conn, make([]byte, 2))
	return err
}

func TestTLSConfigured(t *testing.T) {
	tests := []struct {
		name     string
		settings tlsSettings
		want     bool
	}{
		{"nothing", tlsSettings{}, false},
		{"CA file", tlsSettings{CAFile: "ca.pem"}, true},
		{"cert file", tlsSettings{CertFile: "c.pem"}, true},
		{"key file", tlsSettings{KeyFile: "k.pem"}, true},
		{"trust store", tlsSettings{TrustStorePath: "t.jks"}, true},
		{"trust store password", tlsSettings{TrustStorePassword: "x"}, true},
		{"trust store type", tlsSettings{TrustStoreType: "JKS"}, true},
		{"key store", tlsSettings{KeyStorePath: "k.jks"}, true},
		{"key store password", tlsSettings{KeyStorePassword: "x"}, true},
		{"key store type", tlsSettings{KeyStoreType: "PKCS12"}, true},
		{"key password", tlsSettings{KeyPassword: "x"}, true},
		{"insecure", tlsSettings{InsecureSkipVerify: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.settings.configured(); got != tt.want {
				t.Errorf("configured() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTLSHandshake(t *testing.T) {
	pki := newTLSTestPKI(t)
	addr := startTLSTestServer(t, pki)
	p := pki.path
	clientPEM, clientKeyPEM := p("client.pem"), p("client-key.pem")
	tests := []struct {
		name     string
		settings tlsSettings
		wantErr  string // part of the handshake error; empty: the handshake succeeds
	}{
		{
			name:     "PEM, PKCS#8 ECDSA key",
			settings: tlsSettings{CAFile: p("ca.pem"), CertFile: clientPEM, KeyFile: clientKeyPEM},
		},
		{
			name:     "PEM, SEC 1 EC key",
			settings: tlsSettings{CAFile: p("ca.pem"), CertFile: clientPEM, KeyFile: p("client-ec-key.pem")},
		},
		{
			name:     "PEM, PKCS#1 RSA key",
			settings: tlsSettings{CAFile: p("ca.pem"), CertFile: p("client-rsa.pem"), KeyFile: p("client-rsa-key.pem")},
		},
		{
			name: "JKS with a key password, first key entry",
			settings: tlsSettings{
				TrustStorePath: p("trust.jks"), TrustStorePassword: tlsTestStorePass, TrustStoreType: "JKS",
				KeyStorePath: p("client.jks"), KeyStorePassword: tlsTestStorePass, KeyStoreType: "jks", KeyPassword: tlsTestKeyPass,
			},
		},
		{
			name: "JKS detected, RSA key under the store password",
			settings: tlsSettings{
				TrustStorePath: p("trust.jks"), TrustStorePassword: tlsTestStorePass,
				KeyStorePath: p("client-rsa.jks"), KeyStorePassword: tlsTestStorePass,
			},
		},
		{
			name:     "JKS trust store without a password",
			settings: tlsSettings{TrustStorePath: p("trust.jks"), CertFile: clientPEM, KeyFile: clientKeyPEM},
		},
		{
			name: "PKCS12",
			settings: tlsSettings{
				TrustStorePath: p("trust.p12"), TrustStorePassword: tlsTestStorePass, TrustStoreType: "PKCS12",
				KeyStorePath: p("client.p12"), KeyStorePassword: tlsTestStorePass, KeyStoreType: "PKCS12",
			},
		},
		{
			name: "PKCS12 detected, key store as trust store, RSA key",
			settings: tlsSettings{
				TrustStorePath: p("client.p12"), TrustStorePassword: tlsTestStorePass,
				KeyStorePath: p("client-rsa.p12"), KeyStorePassword: tlsTestStorePass,
			},
		},
		{
			name:     "PEM CA with a PKCS12 key store",
			settings: tlsSettings{CAFile: p("ca.pem"), KeyStorePath: p("client.p12"), KeyStorePassword: tlsTestStorePass},
		},
		{
			name: "JKS trust store with a PEM client certificate",
			settings: tlsSettings{
				TrustStorePath: p("trust.jks"), TrustStorePassword: tlsTestStorePass, CertFile: clientPEM, KeyFile: clientKeyPEM,
			},
		},
		{
			name:     "insecure, no CA",
			settings: tlsSettings{InsecureSkipVerify: true, CertFile: clientPEM, KeyFile: clientKeyPEM},
		},
		{
			name:     "untrusted broker CA",
			settings: tlsSettings{CAFile: p("untrusted-ca.pem"), CertFile: clientPEM, KeyFile: clientKeyPEM},
			wantErr:  "certificate signed by unknown authority",
		},
		{
			name:     "system roots do not know the broker",
			settings: tlsSettings{CertFile: clientPEM, KeyFile: clientKeyPEM},
			wantErr:  "certificate signed by unknown authority",
		},
		{
			name: "client certificate from an untrusted CA",
			settings: tlsSettings{
				CAFile: p("ca.pem"), CertFile: p("untrusted-client.pem"), KeyFile: p("untrusted-client-key.pem"),
			},
			wantErr: "remote error: tls:",
		},
		{
			name:     "no client certificate",
			settings: tlsSettings{CAFile: p("ca.pem")},
			wantErr:  "remote error: tls: certificate required",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tt.settings.build()
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			if cfg.MinVersion != tls.VersionTLS12 || cfg.ServerName != "" {
				t.Errorf("MinVersion = %x, ServerName = %q; want TLS 1.2 and none", cfg.MinVersion, cfg.ServerName)
			}
			err = tlsTestHandshake(addr, cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("handshake: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("handshake error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestTLSProblems(t *testing.T) {
	pki := newTLSTestPKI(t)
	p := pki.path
	tests := []struct {
		name     string
		settings tlsSettings
		want     map[string]string // config key -> part of its message
	}{
		{
			name: "all good",
			settings: tlsSettings{
				CAFile: p("ca.pem"), KeyStorePath: p("client.jks"), KeyStorePassword: tlsTestStorePass, KeyPassword: tlsTestKeyPass,
			},
			want: map[string]string{},
		},
		{
			name:     "missing CA file",
			settings: tlsSettings{CAFile: p("missing.pem")},
			want:     map[string]string{"mqtt.ssl.ca.file": "file " + p("missing.pem") + " does not exist"},
		},
		{
			name:     "missing cert and key files",
			settings: tlsSettings{CertFile: p("missing.pem"), KeyFile: p("missing-key.pem")},
			want: map[string]string{
				"mqtt.ssl.cert.file": "file " + p("missing.pem") + " does not exist",
				"mqtt.ssl.key.file":  "file " + p("missing-key.pem") + " does not exist",
			},
		},
		{
			name:     "missing stores",
			settings: tlsSettings{TrustStorePath: p("missing.jks"), KeyStorePath: p("missing.p12")},
			want: map[string]string{
				"mqtt.ssl.trust.store.path": "file " + p("missing.jks") + " does not exist",
				"mqtt.ssl.key.store.path":   "file " + p("missing.p12") + " does not exist",
			},
		},
		{
			name:     "CA file without a certificate",
			settings: tlsSettings{CAFile: p("client-key.pem")},
			want:     map[string]string{"mqtt.ssl.ca.file": p("client-key.pem") + " contains no PEM certificate"},
		},
		{
			name:     "cert file without a certificate",
			settings: tlsSettings{CertFile: p("client-key.pem"), KeyFile: p("client-key.pem")},
			want:     map[string]string{"mqtt.ssl.cert.file": p("client-key.pem") + " contains no PEM certificate"},
		},
		{
			name:     "key file without a key",
			settings: tlsSettings{CertFile: p("client.pem"), KeyFile: p("client.pem")},
			want:     map[string]string{"mqtt.ssl.key.file": p("client.pem") + " contains no PEM private key"},
		},
		{
			name:     "cert without key",
			settings: tlsSettings{CertFile: p("client.pem")},
			want:     map[string]string{"mqtt.ssl.key.file": "required with mqtt.ssl.cert.file"},
		},
		{
			name:     "key without cert",
			settings: tlsSettings{KeyFile: p("client-key.pem")},
			want:     map[string]string{"mqtt.ssl.cert.file": "required with mqtt.ssl.key.file"},
		},
		{
			name:     "key does not match the certificate",
			settings: tlsSettings{CertFile: p("client.pem"), KeyFile: p("untrusted-client-key.pem")},
			want: map[string]string{
				"mqtt.ssl.key.file": "the private key in " + p("untrusted-client-key.pem") + " does not match the certificate in " + p("client.pem"),
			},
		},
		{
			name:     "encrypted PEM key",
			settings: tlsSettings{CertFile: p("client.pem"), KeyFile: p("encrypted-key.pem")},
			want:     map[string]string{"mqtt.ssl.key.file": p("encrypted-key.pem") + ": the private key is encrypted"},
		},
		{
			name:     "wrong JKS trust store password",
			settings: tlsSettings{TrustStorePath: p("trust.jks"), TrustStorePassword: "wrong"},
			want:     map[string]string{"mqtt.ssl.trust.store.password": p("trust.jks") + ": wrong password"},
		},
		{
			name:     "wrong PKCS12 trust store password",
			settings: tlsSettings{TrustStorePath: p("trust.p12"), TrustStorePassword: "wrong"},
			want:     map[string]string{"mqtt.ssl.trust.store.password": p("trust.p12") + ": pkcs12: decryption password incorrect"},
		},
		{
			name:     "wrong JKS key store password",
			settings: tlsSettings{KeyStorePath: p("client.jks"), KeyStorePassword: "wrong", KeyPassword: tlsTestKeyPass},
			want:     map[string]string{"mqtt.ssl.key.store.password": p("client.jks") + ": wrong password"},
		},
		{
			name:     "wrong PKCS12 key store password",
			settings: tlsSettings{KeyStorePath: p("client.p12"), KeyStorePassword: "wrong"},
			want:     map[string]string{"mqtt.ssl.key.store.password": p("client.p12") + ": pkcs12: decryption password incorrect"},
		},
		{
			name:     "wrong JKS key password",
			settings: tlsSettings{KeyStorePath: p("client.jks"), KeyStorePassword: tlsTestStorePass, KeyPassword: "wrong"},
			want:     map[string]string{"mqtt.ssl.key.password": p("client.jks") + `: wrong password for the private key of entry "a-client"`},
		},
		{
			name:     "JKS key password differs from the store password",
			settings: tlsSettings{KeyStorePath: p("client.jks"), KeyStorePassword: tlsTestStorePass},
			want:     map[string]string{"mqtt.ssl.key.store.password": "wrong password for the private key"},
		},
		{
			name:     "CA file and trust store",
			settings: tlsSettings{CAFile: p("ca.pem"), TrustStorePath: p("trust.jks"), TrustStorePassword: tlsTestStorePass},
			want:     map[string]string{"mqtt.ssl.trust.store.path": "set either mqtt.ssl.ca.file or a trust store, not both"},
		},
		{
			name: "PEM client certificate and key store",
			settings: tlsSettings{
				CertFile: p("client.pem"), KeyFile: p("client-key.pem"), KeyStorePath: p("client.p12"), KeyStorePassword: tlsTestStorePass,
			},
			want: map[string]string{"mqtt.ssl.key.store.path": "set either mqtt.ssl.cert.file and mqtt.ssl.key.file or a key store, not both"},
		},
		{
			name: "unknown store types",
			settings: tlsSettings{
				TrustStorePath: p("trust.jks"), TrustStoreType: "PEM", KeyStorePath: p("client.p12"), KeyStoreType: "JCEKS",
			},
			want: map[string]string{
				"mqtt.ssl.trust.store.type": `unknown store type "PEM"`,
				"mqtt.ssl.key.store.type":   `unknown store type "JCEKS"`,
			},
		},
		{
			name: "store types that do not match the files",
			settings: tlsSettings{
				TrustStorePath: p("trust.p12"), TrustStoreType: "JKS", KeyStorePath: p("client.jks"), KeyStoreType: "PKCS12",
			},
			want: map[string]string{
				"mqtt.ssl.trust.store.path": p("trust.p12") + " is not a JKS store (mqtt.ssl.trust.store.type=JKS)",
				"mqtt.ssl.key.store.path":   p("client.jks") + " is not a PKCS12 store (mqtt.ssl.key.store.type=PKCS12)",
			},
		},
		{
			name:     "PEM files as stores",
			settings: tlsSettings{TrustStorePath: p("ca.pem"), KeyStorePath: p("client-key.pem")},
			want: map[string]string{
				"mqtt.ssl.trust.store.path": p("ca.pem") + " is a PEM file, not a JKS or PKCS12 store: use mqtt.ssl.ca.file",
				"mqtt.ssl.key.store.path":   p("client-key.pem") + " is a PEM file, not a JKS or PKCS12 store: use mqtt.ssl.cert.file and mqtt.ssl.key.file",
			},
		},
		{
			name:     "not a store",
			settings: tlsSettings{KeyStorePath: p("garbage.bin"), KeyStorePassword: tlsTestStorePass},
			want:     map[string]string{"mqtt.ssl.key.store.path": p("garbage.bin") + " is neither a JKS nor a PKCS12 store"},
		},
		{
			name:     "truncated PKCS12 store",
			settings: tlsSettings{TrustStorePath: p("truncated.p12"), TrustStorePassword: tlsTestStorePass},
			want:     map[string]string{"mqtt.ssl.trust.store.path": p("truncated.p12") + ": pkcs12: "},
		},
		{
			name: "JKS stores swapped",
			settings: tlsSettings{
				TrustStorePath: p("client.jks"), TrustStorePassword: tlsTestStorePass,
				KeyStorePath: p("trust.jks"), KeyStorePassword: tlsTestStorePass,
			},
			want: map[string]string{
				"mqtt.ssl.trust.store.path": p("client.jks") + " contains no trusted certificate",
				"mqtt.ssl.key.store.path":   p("trust.jks") + " contains no private key entry",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.settings.problems()
			if got == nil {
				t.Fatal("problems() = nil, want a map the caller can add to")
			}
			if keys, want := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(tt.want)); !slices.Equal(keys, want) {
				t.Fatalf("problems() = %q, want problems on %q", got, want)
			}
			for key, part := range tt.want {
				if !strings.Contains(got[key], part) {
					t.Errorf("problems()[%q] = %q, want it to contain %q", key, got[key], part)
				}
			}
			_, err := tt.settings.build()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("build: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("build succeeded, want an error")
			}
			for key, msg := range got {
				if !strings.Contains(err.Error(), key+": "+msg) {
					t.Errorf("build error %q does not contain %q", err, key+": "+msg)
				}
			}
		})
	}
}

// TestTLSKeytoolStores checks stores that Java's keytool wrote: a trust store with the CA
// (keytool -importcert) and a key store converted from a PKCS12 file (keytool -importkeystore).
func TestTLSKeytoolStores(t *testing.T) {
	keytool, err := exec.LookPath("keytool")
	if err != nil {
		t.Skip("keytool is not on PATH")
	}
	pki := newTLSTestPKI(t)
	addr := startTLSTestServer(t, pki)
	run := func(t *testing.T, args ...string) {
		t.Helper()
		if out, err := exec.Command(keytool, args...).CombinedOutput(); err != nil {
			t.Fatalf("keytool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, storeType := range []string{"JKS", "PKCS12"} {
		t.Run(storeType, func(t *testing.T) {
			trust := pki.path("keytool-trust." + strings.ToLower(storeType))
			keys := pki.path("keytool-client." + strings.ToLower(storeType))
			run(t, "-importcert", "-noprompt", "-alias", "ca", "-file", pki.path("ca.pem"),
				"-keystore", trust, "-storetype", storeType, "-storepass", tlsTestStorePass)
			run(t, "-importkeystore", "-noprompt",
				"-srckeystore", pki.path("client.p12"), "-srcstoretype", "PKCS12", "-srcstorepass", tlsTestStorePass,
				"-destkeystore", keys, "-deststoretype", storeType, "-deststorepass", tlsTestStorePass)
			for _, configuredType := range []string{storeType, ""} {
				s := tlsSettings{
					TrustStorePath: trust, TrustStorePassword: tlsTestStorePass, TrustStoreType: configuredType,
					KeyStorePath: keys, KeyStorePassword: tlsTestStorePass, KeyStoreType: configuredType,
				}
				cfg, err := s.build()
				if err != nil {
					t.Fatalf("type %q: build: %v", configuredType, err)
				}
				if err := tlsTestHandshake(addr, cfg); err != nil {
					t.Fatalf("type %q: handshake: %v", configuredType, err)
				}
			}
		})
	}
}
