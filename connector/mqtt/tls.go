package mqtt

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// tlsSettings are the connector's TLS keys. PEM files are our default; Java keystores
// (JKS or PKCS12) are accepted under Confluent's key names so a Confluent connector JSON works unchanged.
type tlsSettings struct {
	CAFile   string // mqtt.ssl.ca.file: PEM CA bundle used to verify the broker (empty: system roots)
	CertFile string // mqtt.ssl.cert.file: PEM client certificate (chain) for mutual TLS
	KeyFile  string // mqtt.ssl.key.file: PEM private key for CertFile (PKCS#1, PKCS#8 or EC; unencrypted)

	TrustStorePath     string // mqtt.ssl.trust.store.path (Confluent)
	TrustStorePassword string // mqtt.ssl.trust.store.password
	TrustStoreType     string // mqtt.ssl.trust.store.type: "JKS", "PKCS12" or "" (detect from content)
	KeyStorePath       string // mqtt.ssl.key.store.path (Confluent)
	KeyStorePassword   string // mqtt.ssl.key.store.password
	KeyStoreType       string // mqtt.ssl.key.store.type: "JKS", "PKCS12" or ""
	KeyPassword        string // mqtt.ssl.key.password: password of the private key entry in a JKS key store (default: the store password)

	InsecureSkipVerify bool // mqtt.ssl.insecure.skip.verify
}

// Java key store types, as mqtt.ssl.*.store.type spells them.
const (
	storeTypeJKS    = "JKS"
	storeTypePKCS12 = "PKCS12"
)

// jksMagic starts every JKS file; a PKCS12 file, a DER-encoded PFX, starts with derSequence.
const (
	jksMagic    = 0xFEEDFEED
	derSequence = 0x30
)

// jksBadDigest is keystore-go's error when a JKS file's integrity digest, keyed with the store
// password, does not match: the password is wrong (or the file was altered).
const jksBadDigest = "got invalid digest"

// configured reports whether any TLS key is set (then ssl:// and wss:// use build's config; tcp:// ignores it).
func (s tlsSettings) configured() bool {
	return s != tlsSettings{}
}

// build loads the files and returns the client TLS config (MinVersion TLS 1.2). serverName is not set here
// (crypto/tls derives it from the dialled address).
func (s tlsSettings) build() (*tls.Config, error) {
	cfg, problems := s.load()
	if len(problems) == 0 {
		return cfg, nil
	}
	msgs := make([]string, 0, len(problems))
	for _, key := range slices.Sorted(maps.Keys(problems)) {
		msgs = append(msgs, key+": "+problems[key])
	}
	return nil, errors.New(strings.Join(msgs, "; "))
}

// problems checks every file and password without connecting, for /validate: it returns, per config key name
// (the names in the comments above, e.g. "mqtt.ssl.ca.file"), a readable message. Empty map: all good.
// Examples: a missing file -> key of that file, "file /x/ca.pem does not exist"; a PEM with no certificate;
// a cert without key or key without cert (report on the missing one); a key that does not match the certificate;
// a wrong keystore password (report on the password key); both a PEM CA file and a trust store set (ambiguous:
// report on mqtt.ssl.trust.store.path); both PEM client cert and key store set (report on mqtt.ssl.key.store.path);
// an unknown store type.
func (s tlsSettings) problems() map[string]string {
	_, problems := s.load()
	return problems
}

// load reads every configured file and returns the client config with what is wrong, per config key.
// The config is only usable when there are no problems.
func (s tlsSettings) load() (*tls.Config, tlsProblems) {
	p := tlsProblems{}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: s.InsecureSkipVerify}

	var roots []*x509.Certificate
	if s.CAFile != "" {
		roots = p.pemCertificates(CAFileConfig, s.CAFile)
	}
	trustType, trustTypeOK := p.storeType(TrustStoreTypeConfig, s.TrustStoreType)
	switch {
	case s.TrustStorePath == "" || !trustTypeOK:
	case s.CAFile != "":
		p.add(TrustStorePathConfig, "set either %s or a trust store, not both", CAFileConfig)
	default:
		roots = p.trustStore(s, trustType)
	}
	if roots != nil {
		cfg.RootCAs = x509.NewCertPool()
		for _, c := range roots {
			cfg.RootCAs.AddCert(c)
		}
	}

	var cert *tls.Certificate
	if s.CertFile != "" || s.KeyFile != "" {
		cert = p.pemKeyPair(s.CertFile, s.KeyFile)
	}
	keyType, keyTypeOK := p.storeType(KeyStoreTypeConfig, s.KeyStoreType)
	switch {
	case s.KeyStorePath == "" || !keyTypeOK:
	case s.CertFile != "" || s.KeyFile != "":
		p.add(KeyStorePathConfig, "set either %s and %s or a key store, not both", CertFileConfig, KeyFileConfig)
	default:
		cert = p.keyStore(s, keyType)
	}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return cfg, p
}

// tlsProblems collects, per config key, the first thing found wrong with it. Its loading methods
// return nil (or false) after recording a problem.
type tlsProblems map[string]string

func (p tlsProblems) add(key, format string, args ...any) {
	if _, ok := p[key]; !ok {
		p[key] = fmt.Sprintf(format, args...)
	}
}

// readFile reads the file named by key.
func (p tlsProblems) readFile(key, path string) []byte {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.add(key, "file %s does not exist", path)
		return nil
	case err != nil:
		p.add(key, "%v", err)
		return nil
	}
	return data
}

// pemCertificates reads every CERTIFICATE block of a PEM file; there must be at least one.
func (p tlsProblems) pemCertificates(key, path string) []*x509.Certificate {
	data := p.readFile(key, path)
	if data == nil {
		return nil
	}
	var certs []*x509.Certificate
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			p.add(key, "%s: certificate %d: %v", path, len(certs)+1, err)
			return nil
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		p.add(key, "%s contains no PEM certificate", path)
		return nil
	}
	return certs
}

// pemPrivateKey reads the first private key of a PEM file: PKCS#1 (RSA PRIVATE KEY), SEC 1
// (EC PRIVATE KEY) or PKCS#8 (PRIVATE KEY), unencrypted.
func (p tlsProblems) pemPrivateKey(key, path string) crypto.Signer {
	data := p.readFile(key, path)
	if data == nil {
		return nil
	}
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			continue
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
			p.add(key, "%s: the private key is encrypted; decrypt it (e.g. openssl pkey -in %s) or use a key store", path, path)
			return nil
		}
		var k any
		var err error
		switch block.Type {
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(block.Bytes)
		default:
			k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		}
		if err != nil {
			p.add(key, "%s: %v", path, err)
			return nil
		}
		return p.signer(key, path, k)
	}
	p.add(key, "%s contains no PEM private key", path)
	return nil
}

// signer checks that a parsed private key can sign TLS handshakes (RSA, ECDSA or Ed25519).
func (p tlsProblems) signer(key, path string, k any) crypto.Signer {
	s, ok := k.(crypto.Signer)
	if !ok {
		p.add(key, "%s: a %T cannot sign TLS handshakes; use an RSA or ECDSA key", path, k)
		return nil
	}
	return s
}

// pemKeyPair reads the PEM client certificate and its key; either may be missing, which is reported
// on the missing one.
func (p tlsProblems) pemKeyPair(certFile, keyFile string) *tls.Certificate {
	var certs []*x509.Certificate
	if certFile == "" {
		p.add(CertFileConfig, "required with %s", KeyFileConfig)
	} else {
		certs = p.pemCertificates(CertFileConfig, certFile)
	}
	var key crypto.Signer
	if keyFile == "" {
		p.add(KeyFileConfig, "required with %s", CertFileConfig)
	} else {
		key = p.pemPrivateKey(KeyFileConfig, keyFile)
	}
	if certs == nil || key == nil {
		return nil
	}
	cert, ok := tlsKeyPair(key, certs)
	if !ok {
		p.add(KeyFileConfig, "the private key in %s does not match the certificate in %s", keyFile, certFile)
		return nil
	}
	return cert
}

// tlsKeyPair makes the client certificate of key: the certificate holding key's public key is the
// leaf, and the other certificates follow it as its chain. It reports false when none matches.
func tlsKeyPair(key crypto.Signer, certs []*x509.Certificate) (*tls.Certificate, bool) {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return nil, false
	}
	for i, leaf := range certs {
		if !pub.Equal(leaf.PublicKey) {
			continue
		}
		chain := [][]byte{leaf.Raw}
		for j, c := range certs {
			if j != i {
				chain = append(chain, c.Raw)
			}
		}
		return &tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}, true
	}
	return nil, false
}

// storeType checks a configured store type; "" (detect from the content) is valid.
// It returns the type in upper case.
func (p tlsProblems) storeType(key, configured string) (string, bool) {
	switch t := strings.ToUpper(configured); t {
	case "", storeTypeJKS, storeTypePKCS12:
		return t, true
	}
	p.add(key, "unknown store type %q: use %s or %s (or leave it empty to detect the type from the file)",
		configured, storeTypeJKS, storeTypePKCS12)
	return "", false
}

// readStore reads a Java key store and tells its type from the content: JKS if the file starts with
// JKS's magic number, PKCS12 if it starts as a DER SEQUENCE. A configured type must match it.
// pemHint says which keys take a PEM file instead.
func (p tlsProblems) readStore(pathKey, path, typeKey, configuredType, pemHint string) ([]byte, string) {
	data := p.readFile(pathKey, path)
	if data == nil {
		return nil, ""
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN")) {
		p.add(pathKey, "%s is a PEM file, not a JKS or PKCS12 store: use %s for PEM files", path, pemHint)
		return nil, ""
	}
	var t string
	switch {
	case len(data) >= 4 && binary.BigEndian.Uint32(data) == jksMagic:
		t = storeTypeJKS
	case len(data) > 0 && data[0] == derSequence:
		t = storeTypePKCS12
	}
	switch {
	case configuredType != "" && configuredType != t:
		p.add(pathKey, "%s is not a %s store (%s=%s)", path, configuredType, typeKey, configuredType)
		return nil, ""
	case t == "":
		p.add(pathKey, "%s is neither a JKS nor a PKCS12 store", path)
		return nil, ""
	}
	return data, t
}

// loadJKS reads a JKS store, with its aliases in alphabetical order.
func (p tlsProblems) loadJKS(pathKey, path, passwordKey, password string, data []byte) *keystore.KeyStore {
	ks := keystore.New(keystore.WithOrderedAliases())
	if err := ks.Load(bytes.NewReader(data), []byte(password)); err != nil {
		if err.Error() == jksBadDigest {
			p.add(passwordKey, "%s: wrong password (the store's integrity check failed)", path)
		} else {
			p.add(pathKey, "%s: %v", path, err)
		}
		return nil
	}
	return &ks
}

// jksResignedForNoPassword replaces a JKS file's integrity digest with the one for the empty password.
// Java skips the integrity check of a store loaded without a password, which suits trust stores (their
// certificates are not encrypted, and Kafka's trust store password is optional); keystore-go always checks.
func jksResignedForNoPassword(data []byte) []byte {
	if len(data) < sha1.Size {
		return data
	}
	body := data[:len(data)-sha1.Size]
	h := sha1.New()
	h.Write([]byte("Mighty Aphrodite")) // the JKS digest's whitener; the empty password adds no bytes
	h.Write(body)
	return h.Sum(slices.Clip(body))
}

// pkcs12Problem records a PKCS12 decoding error: on the password key if the password is wrong.
func (p tlsProblems) pkcs12Problem(pathKey, path, passwordKey string, err error) {
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		pathKey = passwordKey
	}
	p.add(pathKey, "%s: %v", path, err)
}

// jksCertificates parses the certificates of JKS entries.
func (p tlsProblems) jksCertificates(pathKey, path, alias string, certs ...keystore.Certificate) []*x509.Certificate {
	out := make([]*x509.Certificate, 0, len(certs))
	for _, c := range certs {
		parsed, err := x509.ParseCertificate(c.Content)
		if err != nil {
			p.add(pathKey, "%s: certificate of entry %q: %v", path, alias, err)
			return nil
		}
		out = append(out, parsed)
	}
	return out
}

// trustStore reads the CA certificates of the trust store: a JKS store's trusted certificate
// entries, or every certificate of a PKCS12 store (a trust store, or else a key store's chain).
func (p tlsProblems) trustStore(s tlsSettings, configuredType string) []*x509.Certificate {
	path := s.TrustStorePath
	data, t := p.readStore(TrustStorePathConfig, path, TrustStoreTypeConfig, configuredType, CAFileConfig)
	if data == nil {
		return nil
	}
	var roots []*x509.Certificate
	if t == storeTypeJKS {
		if s.TrustStorePassword == "" {
			data = jksResignedForNoPassword(data)
		}
		ks := p.loadJKS(TrustStorePathConfig, path, TrustStorePassConfig, s.TrustStorePassword, data)
		if ks == nil {
			return nil
		}
		for _, alias := range ks.Aliases() {
			entry, err := ks.GetTrustedCertificateEntry(alias)
			if err != nil {
				continue // a private key entry
			}
			certs := p.jksCertificates(TrustStorePathConfig, path, alias, entry.Certificate)
			if certs == nil {
				return nil
			}
			roots = append(roots, certs...)
		}
	} else {
		var err error
		roots, err = pkcs12.DecodeTrustStore(data, s.TrustStorePassword)
		if err != nil && !errors.Is(err, pkcs12.ErrIncorrectPassword) {
			if _, leaf, chain, chainErr := pkcs12.DecodeChain(data, s.TrustStorePassword); chainErr == nil {
				roots, err = append([]*x509.Certificate{leaf}, chain...), nil
			}
		}
		if err != nil {
			p.pkcs12Problem(TrustStorePathConfig, path, TrustStorePassConfig, err)
			return nil
		}
	}
	if len(roots) == 0 {
		p.add(TrustStorePathConfig, "%s contains no trusted certificate", path)
		return nil
	}
	return roots
}

// keyStore reads the client certificate of the key store: a JKS store's first private key entry
// (in alphabetical order of aliases) with its chain, or a PKCS12 store's key and chain. The key
// password only applies to JKS: PKCS12 uses the store password for the key too, as Java does.
func (p tlsProblems) keyStore(s tlsSettings, configuredType string) *tls.Certificate {
	path := s.KeyStorePath
	data, t := p.readStore(KeyStorePathConfig, path, KeyStoreTypeConfig, configuredType, CertFileConfig+" and "+KeyFileConfig)
	if data == nil {
		return nil
	}
	var key crypto.Signer
	var certs []*x509.Certificate
	if t == storeTypeJKS {
		ks := p.loadJKS(KeyStorePathConfig, path, KeyStorePassConfig, s.KeyStorePassword, data)
		if ks == nil {
			return nil
		}
		aliases := ks.Aliases()
		i := slices.IndexFunc(aliases, ks.IsPrivateKeyEntry)
		if i < 0 {
			p.add(KeyStorePathConfig, "%s contains no private key entry", path)
			return nil
		}
		alias := aliases[i]
		keyPasswordKey, keyPassword := KeyPasswordConfig, s.KeyPassword
		if keyPassword == "" {
			keyPasswordKey, keyPassword = KeyStorePassConfig, s.KeyStorePassword
		}
		entry, err := ks.GetPrivateKeyEntry(alias, []byte(keyPassword))
		if err != nil {
			p.add(keyPasswordKey, "%s: wrong password for the private key of entry %q (%v)", path, alias, err)
			return nil
		}
		k, err := x509.ParsePKCS8PrivateKey(entry.PrivateKey)
		if err != nil {
			p.add(KeyStorePathConfig, "%s: private key of entry %q: %v", path, alias, err)
			return nil
		}
		if key = p.signer(KeyStorePathConfig, path, k); key == nil {
			return nil
		}
		if certs = p.jksCertificates(KeyStorePathConfig, path, alias, entry.CertificateChain...); certs == nil {
			return nil
		}
	} else {
		k, leaf, chain, err := pkcs12.DecodeChain(data, s.KeyStorePassword)
		if err != nil {
			p.pkcs12Problem(KeyStorePathConfig, path, KeyStorePassConfig, err)
			return nil
		}
		if key = p.signer(KeyStorePathConfig, path, k); key == nil {
			return nil
		}
		certs = append([]*x509.Certificate{leaf}, chain...)
	}
	cert, ok := tlsKeyPair(key, certs)
	if !ok {
		p.add(KeyStorePathConfig, "%s: the private key does not match its certificate", path)
		return nil
	}
	return cert
}
