#include "util/tcp_probe.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace util {
namespace {

// A listening socket on 127.0.0.1 with a kernel-chosen port; closing it frees the port.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(listen(fd_, 4), 0);
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~Listener() { close(); }
  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(AcceptsTcp, TrueWhileSomethingListensAndFalseOnceItStops) {
  Listener listener;
  EXPECT_TRUE(accepts_tcp("127.0.0.1", listener.port(), std::chrono::milliseconds(200)));
  listener.close();
  EXPECT_FALSE(accepts_tcp("127.0.0.1", listener.port(), std::chrono::milliseconds(200)));
}

}  // namespace
}  // namespace util
