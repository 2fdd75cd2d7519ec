// The vela binary: everything it does lives in the libraries; see vela/server/cli.h.
#include "vela/server/cli.h"

int main(int argc, char** argv) {
    return vela::server::run_cli(argc, argv);
}
