// Network checks: CIDRs, gateway, VIP, endpoint, pod/service subnets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/load.h"
#include "support.h"

namespace spec {
namespace {

using spec_test::briefs;
using spec_test::load;
using spec_test::with_line;
using spec_test::with_lines;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST(SpecNetwork, ReportsGatewayOutsideTheNodeNetwork) {
  const Loaded loaded = load(with_line(10, "  gateway: 127.11.0.1"));
  EXPECT_THAT(briefs(loaded), ElementsAre("10:12 error network.gateway: 127.11.0.1 is outside the "
                                          "node network 127.10.0.0/24 (use an address inside "
                                          "network.cidr, or widen network.cidr)"));
}

TEST(SpecNetwork, ReportsAnInvalidCidr) {
  const Loaded loaded = load(with_line(9, "  cidr: 127.10.0.0/33"));
  EXPECT_THAT(briefs(loaded), ElementsAre("9:9 error network.cidr: \"127.10.0.0/33\" is not an "
                                          "IPv4 CIDR (write ADDRESS/PREFIX, e.g. 127.10.0.0/24)"));
}

TEST(SpecNetwork, ReportsHostBitsAndSuggestsTheNetwork) {
  const Loaded loaded = load(with_line(9, "  cidr: 127.10.0.1/24"));
  EXPECT_THAT(briefs(loaded), ElementsAre("9:9 error network.cidr: 127.10.0.1/24 has host bits set "
                                          "(did you mean 127.10.0.0/24?)"));
}

TEST(SpecNetwork, ReportsAnInvalidNameserver) {
  const Loaded loaded = load(with_line(11, "  nameservers: [127.10.0.1, dns.example]"));
  EXPECT_THAT(briefs(loaded), ElementsAre("11:29 error network.nameservers[1]: \"dns.example\" is "
                                          "not an IPv4 address (write four decimal numbers 0-255, "
                                          "e.g. 127.10.0.11)"));
}

TEST(SpecNetwork, ReportsVipOutsideTheNodeNetworkAndInvalidVip) {
  EXPECT_THAT(briefs(load(with_line(7, "  vip: 127.11.0.10"))),
              ElementsAre("7:8 error cluster.vip: 127.11.0.10 is outside the node network "
                          "127.10.0.0/24 (use an address inside network.cidr, or widen "
                          "network.cidr)"));
  EXPECT_THAT(briefs(load(with_line(7, "  vip: 127.10.0.1"))),
              ElementsAre("7:8 error cluster.vip: the VIP 127.10.0.1 is the gateway's address "
                          "(pick an unused address of the node network)"));
  EXPECT_THAT(briefs(load(with_line(7, "  vip: 127.10.0"))),
              ElementsAre("7:8 error cluster.vip: \"127.10.0\" is not an IPv4 address (write four "
                          "decimal numbers 0-255, e.g. 127.10.0.11)"));
}

TEST(SpecNetwork, ReportsPodSubnetOverlappingTheNodeNetwork) {
  const Loaded loaded = load(with_line(7, "  podSubnets: [127.10.0.0/16]"));
  EXPECT_THAT(briefs(loaded), ElementsAre("7:16 error cluster.podSubnets[0]: 127.10.0.0/16 "
                                          "overlaps network.cidr (127.10.0.0/24) (pick a range "
                                          "that no other network uses)"));
}

TEST(SpecNetwork, ReportsServiceSubnetOverlappingThePodSubnet) {
  const Loaded loaded =
      load(with_line(7, "  podSubnets: [127.20.0.0/16]\n  serviceSubnets: [127.20.128.0/17]"));
  EXPECT_THAT(briefs(loaded), ElementsAre("8:20 error cluster.serviceSubnets[0]: 127.20.128.0/17 "
                                          "overlaps cluster.podSubnets[0] (127.20.0.0/16) (pick a "
                                          "range that no other network uses)"));
}

TEST(SpecNetwork, AcceptsDisjointSubnets) {
  const Loaded loaded =
      load(with_line(7, "  podSubnets: [127.20.0.0/16]\n  serviceSubnets: [127.21.0.0/16]"));
  EXPECT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded.diagnostics.empty());
  EXPECT_EQ(loaded.spec->pod_subnets, std::vector<std::string>{"127.20.0.0/16"});
  EXPECT_EQ(loaded.spec->service_subnets, std::vector<std::string>{"127.21.0.0/16"});
}

TEST(SpecNetwork, ReportsAnEmptySubnetList) {
  EXPECT_THAT(briefs(load(with_line(7, "  podSubnets: []"))),
              ElementsAre("7:15 error cluster.podSubnets: needs at least one subnet"));
}

TEST(SpecNetwork, ReportsAnEndpointWithPortOrScheme) {
  EXPECT_THAT(briefs(load(with_line(7, "  endpoint: https://127.10.0.10:6443"))),
              ElementsAre("7:13 error cluster.endpoint: \"https://127.10.0.10:6443\" is not a "
                          "host name or IPv4 address (write only the host; the port goes in "
                          "cluster.endpointPort)"));
}

TEST(SpecNetwork, AcceptsADnsNameAsEndpoint) {
  const Loaded loaded = load(with_line(7, "  endpoint: k8s.lab.internal\n  endpointPort: 7443"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.spec->endpoint_url(), "https://k8s.lab.internal:7443");
}

TEST(SpecNetwork, ReportsOutOfRangeMtuVlanAndPort) {
  const Loaded loaded =
      load(with_lines({{7, "  endpointPort: 70000"}, {11, "  mtu: 100\n  vlan: 4095"}}));
  EXPECT_THAT(
      briefs(loaded),
      UnorderedElementsAre("11:8 error network.mtu: MTU 100 is out of range (use 576 … 9216 "
                           "(1500 is the Ethernet default))",
                           "12:9 error network.vlan: VLAN 4095 is out of range (use a VLAN ID 1 … "
                           "4094)",
                           "7:17 error cluster.endpointPort: port 70000 is out of range (use 1 … "
                           "65535; Kubernetes listens on 6443)"));
}

TEST(SpecNetwork, ReportsAnInvalidDnsDomain) {
  EXPECT_THAT(briefs(load(with_line(7, "  dnsDomain: Cluster_Local"))),
              ElementsAre("7:14 error cluster.dnsDomain: \"Cluster_Local\" is not a DNS domain "
                          "(e.g. cluster.local)"));
}

}  // namespace
}  // namespace spec
