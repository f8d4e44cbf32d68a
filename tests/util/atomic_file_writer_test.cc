#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "util/file.h"

namespace util {
namespace {

class AtomicFileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/talforge-writer-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir_),
                                                  std::filesystem::directory_iterator()));
  }

  std::string dir_;
};

TEST_F(AtomicFileWriterTest, TheFileAppearsWholeWithItsModeOnlyOnCommit) {
  const std::string path = dir_ + "/etcd.snapshot";
  Result<AtomicFileWriter> writer = AtomicFileWriter::create(path, kSecretFileMode);
  ASSERT_TRUE(writer.ok()) << writer.error().describe();
  ASSERT_TRUE(writer->write("first ").ok());
  ASSERT_TRUE(writer->write("second").ok());
  EXPECT_FALSE(file_exists(path));
  ASSERT_TRUE(writer->commit().ok());
  EXPECT_EQ(*read_file(path), "first second");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(entries(), 1u) << "no temporary left behind";
  EXPECT_FALSE(writer->write("more").ok());
}

TEST_F(AtomicFileWriterTest, DroppedWithoutCommitLeavesTheOldFileAndNoTemporary) {
  const std::string path = dir_ + "/etcd.snapshot";
  ASSERT_TRUE(write_file_atomic(path, "old", kSecretFileMode).ok());
  {
    Result<AtomicFileWriter> writer = AtomicFileWriter::create(path, kSecretFileMode);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->write("half of the new").ok());
  }
  EXPECT_EQ(*read_file(path), "old");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileWriterTest, AMissingDirectoryIsAnIoErrorNamingThePath) {
  Result<AtomicFileWriter> writer = AtomicFileWriter::create(dir_ + "/no/such/f", 0600);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().code, ErrorCode::Io);
  EXPECT_NE(writer.error().message.find(dir_ + "/no/such/f"), std::string::npos);
}

}  // namespace
}  // namespace util
