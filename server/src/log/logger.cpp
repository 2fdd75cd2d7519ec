#include "log/logger.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <vector>

namespace vela::server {

Result<std::shared_ptr<Logger>> Logger::create(bool verbose, const std::string& file) {
    std::vector<spdlog::sink_ptr> sinks;
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    if (!file.empty()) {
        try {
            sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file, false));
        } catch (const spdlog::spdlog_ex& e) {
            return Error{Errc::Io, "cannot open the log file " + file + ": " + e.what()};
        }
    }
    auto logger = std::make_shared<spdlog::logger>("vela", sinks.begin(), sinks.end());
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
    logger->flush_on(spdlog::level::info);
    return std::shared_ptr<Logger>(new Logger(std::move(logger), verbose));
}

Logger::Logger(std::shared_ptr<spdlog::logger> logger, bool verbose)
    : logger_(std::move(logger)), verbose_(verbose) {}

Logger::~Logger() = default;

void Logger::debug(std::string_view message) const {
    logger_->debug("{}", message);
}
void Logger::info(std::string_view message) const {
    logger_->info("{}", message);
}
void Logger::warn(std::string_view message) const {
    logger_->warn("{}", message);
}
void Logger::error(std::string_view message) const {
    logger_->error("{}", message);
}

LogCallback Logger::engine_sink() const {
    return [logger = logger_](LogLevel level, std::string_view message) {
        static constexpr spdlog::level::level_enum kLevels[] = {spdlog::level::debug, spdlog::level::info,
                                                                spdlog::level::warn, spdlog::level::err};
        logger->log(kLevels[static_cast<int>(level)], "engine: {}", message);
    };
}

}  // namespace vela::server
