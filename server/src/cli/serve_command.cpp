// `vela serve`: parse the flags (cli/serve_flags.h), start the Server, and turn SIGINT/SIGTERM into a
// graceful shutdown (a second signal cancels in-flight requests at once). Exit codes: 0 after a
// shutdown, 1 when start-up or the model load fails, 2 for bad flags.
#include <pthread.h>
#include <signal.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/serve_flags.h"
#include "vela/server/server.h"

namespace vela::server {

namespace {

int run_serve(const std::vector<std::string>& args) {
    auto parsed = parse_serve_args(args, process_env());
    if (!parsed) {
        std::cerr << "vela serve: " << parsed.error().message() << '\n';
        return 2;
    }
    if (parsed->help) {
        std::cout << parsed->help_text;
        return 0;
    }
    // Block the stop signals in every thread the server starts; one thread below waits for them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGUSR1);  // sent by this thread to end the watcher
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto server = Server::start(std::move(parsed->config));
    if (!server) {
        std::cerr << "vela serve: " << server.error().message() << '\n';
        return 1;
    }
    Server& running = **server;
    std::thread signal_watcher([&running, stop_signals] {
        int n_signals = 0;
        while (true) {
            int signal_number = 0;
            if (sigwait(&stop_signals, &signal_number) != 0) continue;
            if (signal_number == SIGUSR1) return;  // the server stopped by itself
            if (++n_signals == 1) {
                running.shutdown();
            } else {
                running.shutdown_now();
            }
        }
    });
    const int exit_code = running.wait();
    pthread_kill(signal_watcher.native_handle(), SIGUSR1);
    signal_watcher.join();
    return exit_code;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
    CLI::App* serve = app.add_subcommand(
        "serve", "Serve a model over an OpenAI-compatible HTTP API with a web chat UI (vela serve --help)");
    // The flags are parsed by serve_flags.cpp (aliases, notices, suggestions for unknown flags).
    serve->prefix_command();
    serve->set_help_flag();
    serve->callback([serve, &exit_code] { exit_code = run_serve(serve->remaining()); });
}

}  // namespace vela::server
