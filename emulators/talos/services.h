// Factories of the gRPC services one emulated node serves (talos.md §2), per personality.
#pragma once

#include <memory>

#include <grpcpp/impl/codegen/service_type.h>

#include "emulators/talos/node.h"

namespace talos_emu {

class Emulator;

std::shared_ptr<grpc::Service> make_machine_service(Emulator& emulator, std::weak_ptr<Node> node,
                                                    Personality personality);
std::shared_ptr<grpc::Service> make_storage_service(Emulator& emulator, std::weak_ptr<Node> node,
                                                    Personality personality);
std::shared_ptr<grpc::Service> make_cosi_service(Emulator& emulator, std::weak_ptr<Node> node,
                                                 Personality personality);
std::shared_ptr<grpc::Service> make_cluster_service(Emulator& emulator, std::weak_ptr<Node> node);
std::shared_ptr<grpc::Service> make_image_service(Emulator& emulator, std::weak_ptr<Node> node);
std::shared_ptr<grpc::Service> make_lifecycle_service(Emulator& emulator,
                                                      std::weak_ptr<Node> node);
std::shared_ptr<grpc::Service> make_trustd_service(std::weak_ptr<Node> node);

}  // namespace talos_emu
