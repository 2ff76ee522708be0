// Test support: a throwaway PKI generated at test time with OpenSSL, so that
// no key is committed and nothing expires in the repository: a CA, a server
// certificate it signed, a self-signed server certificate, and client
// certificates for mutual TLS. Server certificates name 127.0.0.1 and
// localhost. PEM files in a temporary folder that is removed at exit.
#ifndef TRACE_ANALYZE_TESTS_TESTING_TEST_PKI_H_
#define TRACE_ANALYZE_TESTS_TESTING_TEST_PKI_H_

#include <string>

namespace trace_analyze::testing {

struct TestPki {
  std::string dir;
  std::string ca_cert;                  // the CA's certificate: what --ca-file names
  std::string server_cert, server_key;  // signed by the CA
  std::string self_signed_cert, self_signed_key;
  std::string client_cert, client_key;      // signed by the CA (clientAuth)
  std::string stranger_cert, stranger_key;  // self-signed: no server trusts it
};

// Generated on first use (EC P-256 keys: fast), shared by every test of the
// process.
const TestPki& GetTestPki();

// The contents of a (PEM) file.
std::string ReadPemFile(const std::string& path);

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_TESTING_TEST_PKI_H_
