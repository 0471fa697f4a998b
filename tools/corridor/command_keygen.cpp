// corridor keygen --party ID [-o NAME.key]
#include <iostream>
#include <memory>

#include "cli.hpp"
#include "corridor/agree/keys.hpp"
#include "corridor/error.hpp"

namespace corridor::cli {
namespace {

struct KeygenOptions {
  std::string party;
  std::string output;
};

int run_keygen(const KeygenOptions& o) {
  if (o.party.empty()) throw InputError("--party", "must not be empty");
  const std::filesystem::path secret = o.output.empty() ? o.party + ".key" : o.output;
  auto key = agree::generate_key(o.party);
  agree::write_key_pair(key, secret);
  auto public_path = secret;
  public_path.replace_extension(".pub");
  std::cerr << "corridor keygen: Ed25519 key for party " << o.party << ": secret key " << secret.string()
            << " (mode 0600, keep it to yourself), public key " << public_path.string()
            << " (give it to the mediator for the registry)\n";
  std::cout << key.kid << "\n";
  key.bytes.fill(0);
  return k_exit_ok;
}

}  // namespace

void add_keygen_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<KeygenOptions>();
  auto* cmd = app.add_subcommand(
      "keygen",
      "Makes an Ed25519 key pair for a party (docs/agreements.md): NAME.key, the secret key, readable\n"
      "by its owner only (mode 0600), and NAME.pub, the public key for the party registry.\n"
      "Prints the key id (kid): the first 16 hex digits of SHA-256 over the public key.\n"
      "Example: corridor keygen --party A -o party-a.key");
  cmd->add_option("--party", o->party, "id of the party the key speaks for (as in the scenario)")->required();
  cmd->add_option("-o,--output", o->output, "secret key file to write (default PARTY.key); the .pub goes beside it");
  runs[cmd] = [o] { return run_keygen(*o); };
}

}  // namespace corridor::cli
