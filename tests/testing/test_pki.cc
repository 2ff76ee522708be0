#include "tests/testing/test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace trace_analyze::testing {
namespace {

namespace fs = std::filesystem;

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

Key NewKey() {
  Key key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "EC key generation");
  return key;
}

void AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  Check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

enum class Role { kCa, kServer, kClient };

// A certificate for `key`, signed by issuer/issuer_key (self-signed when
// issuer is null), valid from an hour ago for 30 days.
Cert NewCert(EVP_PKEY* key, const char* common_name, Role role, X509* issuer, EVP_PKEY* issuer_key,
             long serial) {  // NOLINT(runtime/int): OpenSSL's type
  Cert cert(X509_new());
  X509* x = cert.get();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("trace-analyze tests"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : x, x, nullptr, nullptr, 0);
  AddExtension(x, &ctx, NID_subject_key_identifier, "hash");
  switch (role) {
    case Role::kCa:
      AddExtension(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
      AddExtension(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
      break;
    case Role::kServer:
      // A self-signed server certificate is its own trust anchor: CA:TRUE,
      // as `openssl req -x509` makes them.
      AddExtension(x, &ctx, NID_basic_constraints, issuer != nullptr ? "CA:FALSE" : "CA:TRUE");
      AddExtension(x, &ctx, NID_ext_key_usage, "serverAuth");
      AddExtension(x, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
      break;
    case Role::kClient:
      AddExtension(x, &ctx, NID_basic_constraints, issuer != nullptr ? "CA:FALSE" : "CA:TRUE");
      AddExtension(x, &ctx, NID_ext_key_usage, "clientAuth");
      break;
  }
  if (issuer != nullptr) AddExtension(x, &ctx, NID_authority_key_identifier, "keyid:always");
  Check(X509_sign(x, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0, "signing");
  return cert;
}

void WriteCert(X509* cert, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  Check(f != nullptr, "writing a certificate");
  PEM_write_X509(f, cert);
  std::fclose(f);
}

void WriteKey(EVP_PKEY* key, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  Check(f != nullptr, "writing a key");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

// Owns the folder: removed when the process exits.
struct PkiHolder {
  TestPki pki;
  ~PkiHolder() {
    std::error_code ignored;
    if (!pki.dir.empty()) fs::remove_all(pki.dir, ignored);
  }
};

PkiHolder* Make() {
  auto holder = new PkiHolder();
  TestPki& p = holder->pki;
  p.dir = (fs::temp_directory_path() / ("ta-test-pki-" + std::to_string(::getpid()))).string();
  fs::create_directories(p.dir);
  const auto path = [&](const char* name) { return (fs::path(p.dir) / name).string(); };

  const Key ca_key = NewKey();
  const Cert ca = NewCert(ca_key.get(), "trace-analyze test CA", Role::kCa, nullptr, nullptr, 1);
  const Key server_key = NewKey();
  const Cert server =
      NewCert(server_key.get(), "127.0.0.1", Role::kServer, ca.get(), ca_key.get(), 2);
  const Key self_key = NewKey();
  const Cert self = NewCert(self_key.get(), "127.0.0.1", Role::kServer, nullptr, nullptr, 3);
  const Key client_key = NewKey();
  const Cert client =
      NewCert(client_key.get(), "trace-analyze client", Role::kClient, ca.get(), ca_key.get(), 4);
  const Key stranger_key = NewKey();
  const Cert stranger = NewCert(stranger_key.get(), "stranger", Role::kClient, nullptr, nullptr, 5);

  p.ca_cert = path("ca.pem");
  WriteCert(ca.get(), p.ca_cert);
  p.server_cert = path("server.pem");
  p.server_key = path("server-key.pem");
  WriteCert(server.get(), p.server_cert);
  WriteKey(server_key.get(), p.server_key);
  p.self_signed_cert = path("self-signed.pem");
  p.self_signed_key = path("self-signed-key.pem");
  WriteCert(self.get(), p.self_signed_cert);
  WriteKey(self_key.get(), p.self_signed_key);
  p.client_cert = path("client.pem");
  p.client_key = path("client-key.pem");
  WriteCert(client.get(), p.client_cert);
  WriteKey(client_key.get(), p.client_key);
  p.stranger_cert = path("stranger.pem");
  p.stranger_key = path("stranger-key.pem");
  WriteCert(stranger.get(), p.stranger_cert);
  WriteKey(stranger_key.get(), p.stranger_key);
  return holder;
}

}  // namespace

const TestPki& GetTestPki() {
  static const std::unique_ptr<PkiHolder> holder(Make());
  return holder->pki;
}

std::string ReadPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace trace_analyze::testing
