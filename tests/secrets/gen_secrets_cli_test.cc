// `talforge gen secrets` end to end: the real binary writing real files.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "process.h"
#include "secrets/bundle.h"
#include "support.h"
#include "util/file.h"

namespace secrets {
namespace {

using ::testing::HasSubstr;
using testing_support::TempDir;

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(GenSecretsCli, WritesAValidBundleWithMode0600) {
  TempDir dir;
  const std::string path = dir.file("bundle.yaml");
  const testing_process::Run r = testing_process::talforge({"gen", "secrets", "-o", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "wrote secrets bundle " + path + " (mode 0600); keep it private and backed up\n");
  EXPECT_EQ(mode_of(path), 0600u);
  util::Result<Bundle> bundle = load_bundle(path);
  ASSERT_TRUE(bundle.ok()) << bundle.error().describe();
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr(bundle->bootstrap_token.reveal())));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr(bundle->cluster_secret.reveal())));
  // Nothing but the bundle is left behind (no temporary files).
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST(GenSecretsCli, DefaultsToSecretsYamlInTheCurrentDirectory) {
  TempDir dir;
  const testing_process::Run r =
      testing_process::talforge({"gen", "secrets", "--talos-version", "v1.10.9"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(load_bundle(dir.file("secrets.yaml")).ok());
}

TEST(GenSecretsCli, RefusesToOverwriteWithoutForceAndLeavesTheFileAlone) {
  TempDir dir;
  const std::string path = dir.file("secrets.yaml");
  ASSERT_TRUE(util::write_file_atomic(path, "my precious bundle\n", 0640).ok());
  const testing_process::Run r = testing_process::talforge({"gen", "secrets", "-o", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: gen secrets: " + path +
                       " already exists; refusing to overwrite a secrets bundle\n"
                       "  hint: pass --force to replace it (machine configs made from the old "
                       "bundle stop working with the new one), or write elsewhere with -o\n");
  EXPECT_EQ(*util::read_file(path), "my precious bundle\n");
  EXPECT_EQ(mode_of(path), 0640u);
}

TEST(GenSecretsCli, ForceReplacesTheFileWithMode0600) {
  TempDir dir;
  const std::string path = dir.file("secrets.yaml");
  ASSERT_TRUE(util::write_file_atomic(path, "old\n", 0644).ok());
  const testing_process::Run r =
      testing_process::talforge({"gen", "secrets", "-o", path, "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_TRUE(load_bundle(path).ok());
}

TEST(GenSecretsCli, RejectsAnUnknownTalosVersionAndWritesNothing) {
  TempDir dir;
  const std::string path = dir.file("secrets.yaml");
  const testing_process::Run r =
      testing_process::talforge({"gen", "secrets", "-o", path, "--talos-version", "banana"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: gen secrets: invalid Talos version \"banana\""));
  EXPECT_FALSE(util::file_exists(path));
}

}  // namespace
}  // namespace secrets
