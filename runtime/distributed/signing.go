package distributed

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"time"

	"github.com/tributary-connect/tributary/runtime"
	"github.com/tributary-connect/tributary/runtime/storage"
)

// Internal request signing (KIP-507). Under the sessioned protocol the leader writes a
// session key (HmacSHA256) to the config topic and rotates it every inter.worker.key.ttl.ms;
// workers sign their internal requests (POST /connectors/{c}/tasks) with it, and the leader
// refuses unsigned (400) or badly signed (403) ones.

const hmacSHA256 = "HmacSHA256"

// signingRequired reports whether this generation uses signed internal requests.
func (h *Herder) signingRequired() bool {
	return h.protocolV.Load() == int32(ProtocolSessioned.Version())
}

// ensureSessionKey, on the leader, writes a new session key when there is none, it is older
// than the TTL, or its algorithm is not the configured one.
func (h *Herder) ensureSessionKey(ctx context.Context) {
	if !h.signingRequired() {
		return
	}
	v := h.w.Config().Values
	alg := v.String("inter.worker.key.generation.algorithm")
	ttl := time.Duration(v.Int("inter.worker.key.ttl.ms")) * time.Millisecond
	if k := h.stores.snapshot().sessionKey; k != nil && k.Algorithm == alg && time.Since(time.UnixMilli(k.CreationTimestamp)) < ttl {
		return
	}
	bits := 256
	if !v.IsNull("inter.worker.key.size") {
		bits = int(v.Int("inter.worker.key.size"))
	}
	key := make([]byte, bits/8)
	if _, err := rand.Read(key); err != nil {
		h.log.Error("generating a session key failed", "error", err)
		return
	}
	if err := h.stores.putSessionKey(ctx, storage.SessionKey{Key: key, Algorithm: alg, CreationTimestamp: time.Now().UnixMilli()}); err != nil {
		h.log.Warn("writing the session key failed; retrying at the next rebalance", "error", err)
		return
	}
	h.log.Info("session key written for internal request signing", "algorithm", alg)
}

// sign returns the KIP-507 headers for body, or nil when signing is not required or no key
// has been read yet (the leader then answers 503 and the caller retries).
func (h *Herder) sign(body []byte) http.Header {
	if !h.signingRequired() {
		return nil
	}
	k := h.stores.snapshot().sessionKey
	if k == nil {
		return nil
	}
	alg := h.w.Config().Values.String("inter.worker.signature.algorithm")
	mac := hmac.New(sha256.New, k.Key)
	mac.Write(body)
	hd := http.Header{}
	hd.Set("X-Connect-Authorization", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	hd.Set("X-Connect-Request-Signature-Algorithm", alg)
	return hd
}

// verify checks an internal request's signature with Kafka's answers.
func (h *Herder) verify(sig *runtime.InternalSignature) error {
	if !h.signingRequired() {
		return nil
	}
	if sig == nil {
		return runtime.Errorf(runtime.KindBadRequest, "Internal request missing required signature")
	}
	allowed := h.w.Config().Values.List("inter.worker.verification.algorithms")
	if !slices.Contains(allowed, sig.Algorithm) || sig.Algorithm != hmacSHA256 {
		return runtime.Errorf(runtime.KindBadRequest, "Signature algorithm %s is not accepted; allowed: %v", sig.Algorithm, allowed)
	}
	k := h.stores.snapshot().sessionKey
	if k == nil {
		return runtime.Errorf(runtime.KindUnavailable, "This worker is still starting up and has not been able to read a session key from the config topic yet")
	}
	mac := hmac.New(sha256.New, k.Key)
	mac.Write(sig.Body)
	if !hmac.Equal(mac.Sum(nil), sig.Signature) {
		return runtime.Errorf(runtime.KindForbidden, "Internal request contained invalid signature.")
	}
	return nil
}
