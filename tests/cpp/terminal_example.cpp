// A payment terminal's view of snapsign in C++17: RAII handles over the C ABI, exceptions for
// errors, std::string outputs through the two-call pattern. Checked against the test vectors.
//
// Usage: terminal_example VECTORS_DIR   (tests/vectors)
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "snapsign.h"

namespace snap {

// A snapsign error as an exception, keeping the code.
class Error : public std::runtime_error {
 public:
  explicit Error(snapsign_result code)
      : std::runtime_error(snapsign_result_str(code)), code_(code) {}
  snapsign_result code() const noexcept { return code_; }

 private:
  snapsign_result code_;
};

inline void check(snapsign_result rc) {
  if (rc != SNAPSIGN_RESULT_OK) throw Error(rc);
}

inline const uint8_t* bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// The two-call pattern once, for any output function: probe the length, then fill a string.
template <typename Call>
std::string output(Call call) {
  size_t len = 0;
  snapsign_result rc = call(nullptr, 0, &len);
  if (rc == SNAPSIGN_RESULT_OK) return std::string();  // empty output
  if (rc != SNAPSIGN_RESULT_BUFFER_TOO_SMALL) throw Error(rc);
  std::string out(len, '\0');
  check(call(reinterpret_cast<uint8_t*>(out.data()), out.size(), &len));
  out.resize(len);
  return out;
}

struct SignerDeleter {
  void operator()(snapsign_signer* s) const noexcept { snapsign_signer_free(s); }
};
struct VerifierDeleter {
  void operator()(snapsign_verifier* v) const noexcept { snapsign_verifier_free(v); }
};
struct HmacDeleter {
  void operator()(snapsign_hmac* h) const noexcept { snapsign_hmac_free(h); }
};

class Signer {
 public:
  explicit Signer(std::string_view key_pem, std::string_view passphrase = {}) {
    snapsign_signer* raw = nullptr;
    check(snapsign_signer_new(bytes(key_pem), key_pem.size(), passphrase.empty() ? nullptr : bytes(passphrase),
                              passphrase.size(), 0, &raw));
    handle_.reset(raw);
  }
  std::string sign_token(std::string_view client_id, std::string_view timestamp) const {
    return output([&](uint8_t* out, size_t cap, size_t* len) {
      return snapsign_signer_sign_token(handle_.get(), bytes(client_id), client_id.size(), bytes(timestamp),
                                        timestamp.size(), out, cap, len);
    });
  }
  std::string sign_service(std::string_view method, std::string_view path, std::string_view body,
                           std::string_view timestamp) const {
    return output([&](uint8_t* out, size_t cap, size_t* len) {
      return snapsign_signer_sign_service(handle_.get(), bytes(method), method.size(), bytes(path), path.size(),
                                          bytes(body), body.size(), bytes(timestamp), timestamp.size(), out, cap,
                                          len);
    });
  }
  size_t signature_len() const noexcept { return snapsign_signer_signature_len(handle_.get()); }

 private:
  std::unique_ptr<snapsign_signer, SignerDeleter> handle_;
};

class Verifier {
 public:
  explicit Verifier(std::string_view key_pem) {
    snapsign_verifier* raw = nullptr;
    check(snapsign_verifier_new(bytes(key_pem), key_pem.size(), 0, &raw));
    handle_.reset(raw);
  }
  // Returns false for a signature that does not match; throws for malformed input.
  bool verify_token(std::string_view client_id, std::string_view timestamp, std::string_view sig) const {
    snapsign_result rc = snapsign_verifier_verify_token(handle_.get(), bytes(client_id), client_id.size(),
                                                        bytes(timestamp), timestamp.size(), bytes(sig), sig.size());
    if (rc == SNAPSIGN_RESULT_SIGNATURE_MISMATCH) return false;
    check(rc);
    return true;
  }

 private:
  std::unique_ptr<snapsign_verifier, VerifierDeleter> handle_;
};

class Hmac {
 public:
  explicit Hmac(std::string_view client_secret) {
    snapsign_hmac* raw = nullptr;
    check(snapsign_hmac_new(bytes(client_secret), client_secret.size(), &raw));
    handle_.reset(raw);
  }
  std::string sign_transaction(std::string_view method, std::string_view path, std::string_view token,
                               std::string_view body, std::string_view timestamp) const {
    return output([&](uint8_t* out, size_t cap, size_t* len) {
      return snapsign_hmac_sign_transaction(handle_.get(), bytes(method), method.size(), bytes(path), path.size(),
                                            bytes(token), token.size(), bytes(body), body.size(), bytes(timestamp),
                                            timestamp.size(), out, cap, len);
    });
  }

 private:
  std::unique_ptr<snapsign_hmac, HmacDeleter> handle_;
};

inline std::string timestamp(int64_t unix_millis, int32_t offset_minutes, uint32_t flags = 0) {
  return output([&](uint8_t* out, size_t cap, size_t* len) {
    return snapsign_timestamp_format(unix_millis, offset_minutes, flags, out, cap, len);
  });
}

inline std::string minify(std::string_view body) {
  return output([&](uint8_t* out, size_t cap, size_t* len) {
    return snapsign_minify(bytes(body), body.size(), out, cap, len);
  });
}

}  // namespace snap

static int passed = 0, failed = 0;

static void expect(bool ok, const std::string& what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::cerr << "FAIL: " << what << "\n";
  }
}

static std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " VECTORS_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  try {
    // tests/vectors/snap-vectors.json: token_b2b[0], transaction_hmac[1], service_rsa[1], minify[1].
    const std::string token_sig =
        "2JlCK1mKDbeEMX1wtG6jJvRBn+6tvbhqVjaD+FfsGo2Db0ISlRiUbhZGpfHlhhdkAzpGyRkPf+gcq2pPHYqMXDLRyuv9anGNJXcUaWk8e1aw"
        "FCGnDITdx8SJDWBaM206CuxTgexzixKHRfXNz27nOIYdDruEgyDAPjo4cm+tMOJg+o6s/s4hShnEZ6JySgxgGsunI3p1KS2qd7VZ5futmIun"
        "3awYVM+TPJA0HRKDyF1Ciczp4PYxYX5Gno4hsuuA4nVTxhvJuasLrgFfMU9+bllkqwK2KjX/vt93COeaIVEQ0ZPblasAZ7WCSyzfdj6cuzUT"
        "l3HbdJ8TBIlNO2SF8w==";
    const snap::Signer signer(slurp(dir + "/keys/rsa2048-pkcs8.pem"));
    const snap::Verifier verifier(slurp(dir + "/keys/rsa2048-public.pem"));
    expect(signer.signature_len() == 344, "signature_len");
    const std::string ts = snap::timestamp(1601808958000LL, 420);
    expect(ts == "2020-10-04T17:55:58+07:00", "timestamp " + ts);
    expect(signer.sign_token("MCPD00000006", ts) == token_sig, "token signature");
    expect(verifier.verify_token("MCPD00000006", ts, token_sig), "token verifies");
    expect(!verifier.verify_token("MCPD00000007", ts, token_sig), "other client id does not verify");

    const snap::Hmac hmac("a-secret");
    const std::string body = "{\n  \"grantType\": \"client_credentials\"\n}";
    expect(hmac.sign_transaction("POST", "/api/v1.0/debit/payment-host-to-host",
                                 "eyJhbGciOiJSUzI1NiJ9.AQfgX3Jda3HmLegbUIbXmX1eGMTjLc56", body,
                                 "2021-05-24T09:37:37Z") ==
               "RBr5w0o9yX8lcSvQrUwLBEzHIgGlwQUmuhWkNDi7TMPGwa5m60D7Ped7Ygerh0wf6y368TG89B6ELGtbbLSftQ==",
           "transaction signature");
    expect(snap::minify(body) == "{\"grantType\":\"client_credentials\"}", "minify");
    expect(snap::minify("  ").empty(), "minify of whitespace is empty");

    const snap::Signer signer4096(slurp(dir + "/keys/rsa4096-pkcs8.pem"));
    const std::string service_sig = signer4096.sign_service("POST", "/api/v1.0/debit/payment-host-to-host", body,
                                                            "2021-05-24T09:37:37Z");
    expect(service_sig.rfind("O8yBE77YeS0okAkDuaJJu0EvWKt+DlRMesqNSto+9WtkcgqcvagZteTYD//64YbGivEydyhhtViyHoBP9UGWa", 0) ==
               0 && service_sig.size() == 684,
           "service signature");

    // Errors become exceptions carrying the code.
    try {
      snap::Signer bad("not a key");
      expect(false, "bad key accepted");
    } catch (const snap::Error& e) {
      expect(e.code() == SNAPSIGN_RESULT_KEY_MALFORMED, std::string("bad key: ") + e.what());
    }
    try {
      (void)snap::minify("{\"a\":1,}");
      expect(false, "bad JSON accepted");
    } catch (const snap::Error& e) {
      expect(e.code() == SNAPSIGN_RESULT_INVALID_JSON && snapsign_last_error_offset() == 7, "bad JSON offset");
    }

    // One signer shared by several threads.
    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    for (size_t i = 0; i < ok.size(); ++i) {
      threads.emplace_back([&, i] { ok[i] = signer.sign_token("MCPD00000006", ts) == token_sig; });
    }
    for (auto& t : threads) t.join();
    for (int v : ok) expect(v == 1, "threaded signature");
  } catch (const std::exception& e) {
    std::cerr << "unexpected exception: " << e.what() << "\n";
    ++failed;
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
