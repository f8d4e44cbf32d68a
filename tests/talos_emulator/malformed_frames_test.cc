// Criterion 6 (server side): garbage, truncated, wrongly typed and oversized requests get a
// clear gRPC error and never crash the emulator.
#include <gtest/gtest.h>
#include <grpcpp/generic/generic_stub.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "talos_emulator/cluster_support.h"

namespace talos_emu_test {
namespace {

grpc::Status raw_call(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                      const std::string& payload) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  grpc::Slice slice(payload);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    std::lock_guard lock(mu);
    result = s;
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  return result;
}

std::shared_ptr<grpc::Channel> insecure_tls_channel(const std::string& address) {
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_verify_server_certs(false);
  options.set_check_call_host(false);
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address + ":50000", grpc::experimental::TlsCredentials(options),
                                   args);
}

TEST(MalformedFrames, GarbageTruncatedWrongTypeAndOversizedRequestsAreRefused) {
  talos_emu::Emulator emulator(fast_options());
  talos_emu::NodeSpec spec;
  spec.address = "127.10.45.11";
  spec.uuid = "6a1f0000-0000-4000-8000-000000000045";
  ASSERT_TRUE(emulator.power_on(spec).ok());
  auto api = maintenance_client(spec.address);
  ASSERT_TRUE(wait_until([&] { return api->disks().ok(); }));
  auto channel = insecure_tls_channel(spec.address);
  const std::string apply = "/machine.MachineService/ApplyConfiguration";

  // Not protobuf at all.
  auto garbage = raw_call(channel, apply, std::string("\xff\xff\xff\xff\x0f garbage", 14));
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INTERNAL) << garbage.error_message();
  // Truncated: field 1 (bytes) announces 100 bytes, carries 3.
  auto truncated = raw_call(channel, apply, std::string("\x0a\x64" "abc", 5));
  EXPECT_EQ(truncated.error_code(), grpc::StatusCode::INTERNAL) << truncated.error_message();
  // Wrong wire type: field 1 as a varint instead of bytes.
  auto wrong_type = raw_call(channel, apply, std::string("\x08\x01", 2));
  EXPECT_NE(wrong_type.error_code(), grpc::StatusCode::OK);
  // Over apid's 32 MiB limit.
  std::string big(33u << 20, 'a');
  auto oversized = raw_call(channel, apply, "\x0a" + std::string("\x80\x80\x80\x11", 4) + big);
  EXPECT_EQ(oversized.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << oversized.error_message();
  // A config that is valid YAML but nonsense: InvalidArgument or a parse error, with text.
  machine::ApplyConfigurationRequest nonsense;
  nonsense.set_data("version: v1alpha1\nmachine: [1, 2\n");
  auto bad_yaml = raw_call(channel, apply, nonsense.SerializeAsString());
  EXPECT_NE(bad_yaml.error_code(), grpc::StatusCode::OK);
  EXPECT_FALSE(bad_yaml.error_message().empty());

  // Raw bytes that are not HTTP/2 at all, then a truncated HTTP/2 preface.
  for (const std::string& bytes : {std::string("GET / HTTP/1.1\r\n\r\n"), std::string("PRI * HTTP/2.0\r\n")}) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(50000);
    inet_pton(AF_INET, spec.address.c_str(), &addr.sin_addr);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_GT(::write(fd, bytes.data(), bytes.size()), 0);
    ::close(fd);
  }
  // Still serving.
  EXPECT_TRUE(api->disks().ok());
}

}  // namespace
}  // namespace talos_emu_test
