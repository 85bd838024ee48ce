// Package devcert makes the certificates of a local https Parley: a
// development certificate authority, kept in a directory and reused, and a
// server certificate it signs for localhost, 127.0.0.1 and ::1. Clients
// trust the authority's certificate (ca.pem) once; the server certificate
// can then be renewed by running the command again, as Azurite's and
// mkcert's workflows do.
package devcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The files of a development certificate directory.
const (
	CAFile     = "ca.pem"     // the authority's certificate: what clients trust
	CAKeyFile  = "ca-key.pem" // its private key, kept to sign the next server certificate
	CertFile   = "cert.pem"   // the server certificate (--tls-cert)
	KeyFile    = "key.pem"    // its private key (--tls-key)
	caValidity = 10 * 365 * 24 * time.Hour
	// certValidity stays under 398 days, the most clients accept of a
	// server certificate.
	certValidity = 397 * 24 * time.Hour
)

// Hosts are the names the server certificate is valid for.
var Hosts = []string{"localhost", "127.0.0.1", "::1"}

// Result says what Generate did.
type Result struct {
	Dir       string
	CreatedCA bool      // false: the authority in Dir was reused
	NotAfter  time.Time // the server certificate's end of validity
}

// Generate writes a server certificate for Hosts into dir, signed by the
// authority of dir, which it creates first when dir has none. Private keys
// are written with mode 0600; dir is created with 0700.
func Generate(dir string, now time.Time) (Result, error) {
	res := Result{Dir: dir}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	ca, caKey, err := loadCA(dir)
	if errors.Is(err, os.ErrNotExist) {
		ca, caKey, err = newCA(dir, now)
		res.CreatedCA = true
	}
	if err != nil {
		return res, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return res, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{"Parley development"}, CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range Hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return res, err
	}
	if err := writeKey(filepath.Join(dir, KeyFile), key); err != nil {
		return res, err
	}
	if err := writePEM(filepath.Join(dir, CertFile), "CERTIFICATE", der, 0o644); err != nil {
		return res, err
	}
	res.NotAfter = tmpl.NotAfter
	return res, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

// newCA makes and writes the authority.
func newCA(dir string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"Parley development"}, CommonName: "Parley development CA " + host},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	if err := writeKey(filepath.Join(dir, CAKeyFile), key); err != nil {
		return nil, nil, err
	}
	if err := writePEM(filepath.Join(dir, CAFile), "CERTIFICATE", der, 0o644); err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// loadCA reads the authority of dir; os.ErrNotExist when it has none.
func loadCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, CAFile))
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, CAKeyFile))
	if err != nil {
		return nil, nil, fmt.Errorf("%s is there but not its key (%v): delete %s to make a new authority, and trust it again", CAFile, err, CAFile)
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, fmt.Errorf("%s or %s in %s is not PEM (delete both to make a new authority)", CAFile, CAKeyFile, dir)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", CAFile, err)
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", CAKeyFile, err)
	}
	return cert, key, nil
}

func writeKey(path string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(path, "EC PRIVATE KEY", der, 0o600)
}

// writePEM writes one PEM block, replacing the file through a rename so
// that a server reading it on SIGHUP never sees half a file.
func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := pem.Encode(tmp, &pem.Block{Type: typ, Bytes: der}); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
