// core/output_file and core/input_file: what they refuse, what they keep, and that nothing
// planted next to a target is written through. Device nodes are made here, in a temp dir, never
// the machine's own.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/file_error.h"
#include "core/input_file.h"
#include "core/output_file.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

class FileIo : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "h2race-file-io-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  // The error text of f(), or "" when it did not throw FileError.
  template <typename F>
  std::string error_of(F f) {
    try {
      f();
    } catch (const FileError& e) {
      return e.what();
    }
    return "";
  }
  // Everything in the directory: a failed or refused write must leave no temporary file.
  size_t entries() { return std::distance(fs::directory_iterator(dir_), {}); }

  fs::path dir_;
};

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(lstat(p.c_str(), &st), 0);
  return st.st_mode;
}

TEST_F(FileIo, WritesTheContentAndLeavesNothingElse) {
  write_output_file(dir_ / "out.json", "{}\n");
  EXPECT_EQ(slurp(dir_ / "out.json"), "{}\n");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(FileIo, KeepsTheModeOfTheFileItReplaces) {
  write_output_file(dir_ / "out.json", "old");
  ASSERT_EQ(chmod((dir_ / "out.json").c_str(), 0600), 0);
  write_output_file(dir_ / "out.json", "new");
  EXPECT_EQ(mode_of(dir_ / "out.json") & 07777, 0600u);
  EXPECT_EQ(slurp(dir_ / "out.json"), "new");
}

TEST_F(FileIo, ARequestedModeIsExactEvenForANewFile) {
  write_output_file(dir_ / "k.key", "secret", 0600);
  EXPECT_EQ(mode_of(dir_ / "k.key") & 07777, 0600u);
}

TEST_F(FileIo, ASymlinkPlantedAtTheOldTemporaryNameIsNotFollowed) {
  // Before this writer, out.json.tmp was opened with O_TRUNC and followed: this link would have
  // overwritten victim.
  std::ofstream(dir_ / "victim") << "victim";
  fs::create_symlink(dir_ / "victim", dir_ / "out.json.tmp");
  write_output_file(dir_ / "out.json", "{}");
  EXPECT_EQ(slurp(dir_ / "victim"), "victim");
  EXPECT_EQ(slurp(dir_ / "out.json"), "{}");
  EXPECT_TRUE(fs::is_symlink(dir_ / "out.json.tmp"));
  EXPECT_EQ(entries(), 3u);
}

TEST_F(FileIo, ASymlinkAtTheTargetIsRefusedAndKept) {
  std::ofstream(dir_ / "victim") << "victim";
  fs::create_symlink(dir_ / "victim", dir_ / "out.json");
  EXPECT_NE(error_of([&] { write_output_file(dir_ / "out.json", "{}"); }).find("is a symlink"),
            std::string::npos);
  EXPECT_TRUE(fs::is_symlink(dir_ / "out.json"));
  EXPECT_EQ(slurp(dir_ / "victim"), "victim");
}

TEST_F(FileIo, ADeviceNodeIsRefusedAndKept) {
  if (geteuid() != 0) GTEST_SKIP() << "mknod of a character device needs root";
  // Major 1, minor 7 is /dev/full's number; made here, so the machine's own node is never at risk.
  ASSERT_EQ(mknod((dir_ / "full").c_str(), S_IFCHR | 0666, makedev(1, 7)), 0);
  EXPECT_NE(error_of([&] { write_output_file(dir_ / "full", "{}"); }).find("character device"),
            std::string::npos);
  EXPECT_TRUE(S_ISCHR(mode_of(dir_ / "full")));
  EXPECT_EQ(entries(), 1u);
}

TEST_F(FileIo, AFifoAndADirectoryAreRefused) {
  ASSERT_EQ(mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  EXPECT_NE(error_of([&] { write_output_file(dir_ / "fifo", "{}"); }).find("a FIFO"),
            std::string::npos);
  fs::create_directory(dir_ / "d");
  EXPECT_NE(error_of([&] { write_output_file(dir_ / "d", "{}"); }).find("a directory"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check_output_target(dir_ / "d"); }).find("a directory"),
            std::string::npos);
}

TEST_F(FileIo, AnOutputDirectoryIsMadeOrARealOneAcceptedNeverALink) {
  make_output_directory(dir_ / "d");
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(dir_ / "d")));
  make_output_directory(dir_ / "d");  // already there: accepted
  fs::create_directory(dir_ / "elsewhere");
  fs::create_directory_symlink(dir_ / "elsewhere", dir_ / "link");
  EXPECT_NE(error_of([&] { make_output_directory(dir_ / "link"); }).find("is a symlink"),
            std::string::npos);
  fs::create_directory_symlink(dir_ / "nowhere", dir_ / "dangling");
  EXPECT_NE(error_of([&] { make_output_directory(dir_ / "dangling"); }).find("is a symlink"),
            std::string::npos);
  std::ofstream(dir_ / "file") << "x";
  EXPECT_NE(error_of([&] { make_output_directory(dir_ / "file"); }).find("a regular file"),
            std::string::npos);
  EXPECT_NE(error_of([&] { make_output_directory(dir_ / "no" / "d"); }).find("cannot create"),
            std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir_ / "elsewhere"));
  EXPECT_FALSE(fs::exists(dir_ / "nowhere"));
}

TEST_F(FileIo, AMissingDirectoryAndAnEmptyPathAreRefused) {
  EXPECT_NE(error_of([&] {
              write_output_file(dir_ / "no" / "out.json", "{}");
            }).find((dir_ / "no").string()),
            std::string::npos);
  EXPECT_NE(error_of([&] { write_output_file("", "{}"); }).find("empty path"), std::string::npos);
}

TEST_F(FileIo, AFailedWriteNamesTheReasonKeepsTheTargetAndLeavesNoTemporaryFile) {
  write_output_file(dir_ / "out.json", "old");
  // A file size limit of 0 makes every write fail with EFBIG, as a full disk fails with ENOSPC.
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit none = old;
  none.rlim_cur = 0;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &none), 0);
  const std::string error = error_of([&] { write_output_file(dir_ / "out.json", "new"); });
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_NE(error.find("File too large"), std::string::npos) << error;
  EXPECT_EQ(slurp(dir_ / "out.json"), "old");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(FileIo, InputReadsARegularFileAndFollowsALinkToOne) {
  std::ofstream(dir_ / "in") << "text";
  fs::create_symlink(dir_ / "in", dir_ / "link");
  EXPECT_EQ(read_input_file(dir_ / "in", 100), "text");
  EXPECT_EQ(read_input_file(dir_ / "link", 100), "text");
}

TEST_F(FileIo, InputRefusesAFifoWithoutBlocking) {
  // Without O_NONBLOCK the open itself would wait for a writer forever.
  ASSERT_EQ(mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  EXPECT_NE(error_of([&] { read_input_file(dir_ / "fifo", 100); }).find("a FIFO"),
            std::string::npos);
}

TEST_F(FileIo, InputRefusesDirectoriesDevicesAndMissingFiles) {
  EXPECT_NE(error_of([&] { read_input_file(dir_, 100); }).find("a directory"), std::string::npos);
  // Reading /dev/zero is harmless, and it is what once grew memory without bound.
  EXPECT_NE(error_of([&] { read_input_file("/dev/zero", 100); }).find("character device"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_input_file(dir_ / "none", 100); }).find("No such file"),
            std::string::npos);
}

TEST_F(FileIo, InputRefusesAFileLargerThanTheCap) {
  std::ofstream(dir_ / "big") << std::string(101, 'x');
  EXPECT_NE(error_of([&] { read_input_file(dir_ / "big", 100); }).find("larger than"),
            std::string::npos);
  EXPECT_EQ(read_input_file(dir_ / "big", 101).size(), 101u);
}

}  // namespace
}  // namespace h2race
