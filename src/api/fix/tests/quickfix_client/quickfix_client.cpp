// A FIX 4.4 initiator built on QuickFIX (Debian's libquickfix), the counterparty of the FIX
// integration test (tests/integration/fix_quickfix_test.py). It is driven by commands on stdin,
// one per line, and answers each with lines ending in "DONE":
//   start                      start the initiator (it logs on, and reconnects after a drop)
//   stop                       log out and stop;  kill: stop without Logout (a dropped link)
//   drop                       disconnect without Logout (QuickFIX reconnects by itself)
//   loggedon SECONDS           wait for the session to be logged on → "LOGGEDON" or "TIMEOUT"
//   send TYPE TAG=VALUE ...    send an application message (header filled by QuickFIX)
//   wait SECONDS TAG=VALUE ... the first not yet matched received message with all these
//                              fields → "MATCH <message, | for SOH>" or "TIMEOUT"
//   count TAG=VALUE ...        how many received messages match → "COUNT n"
//   seq                        "SEQ <next sender> <next target>"
//   setseq SENDER              set the next outgoing MsgSeqNum (makes a gap on purpose)
// Every received message (application and session) is kept for wait/count. Usage:
//   quickfix_client PORT SENDER TARGET STORE_DIR [PASSWORD]
// Built as C++14 (QuickFIX's headers need it), apart from the project's code and flags.
#include <quickfix/Application.h>
#include <quickfix/FileStore.h>
#include <quickfix/Log.h>
#include <quickfix/Message.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketInitiator.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

std::string printable(const std::string& raw) {
  std::string out = raw;
  for (char& c : out) {
    if (c == '\x01') c = '|';
  }
  return out;
}

class Recorder : public FIX::Application {
 public:
  explicit Recorder(std::string password) : password_(std::move(password)) {}

  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID&) override {}
  void onLogout(const FIX::SessionID&) override {}
  void toAdmin(FIX::Message& message, const FIX::SessionID&) override {
    FIX::MsgType type;
    message.getHeader().getField(type);
    if (type.getValue() == "A" && !password_.empty()) message.setField(554, password_);
  }
  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
  void fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                     FIX::IncorrectTagValue,
                                                                     FIX::RejectLogon) override {
    record(m);
  }
  void fromApp(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                   FIX::IncorrectTagValue,
                                                                   FIX::UnsupportedMessageType) override {
    record(m);
  }

  // Waits for the first unmatched message with every (tag, value); marks it matched.
  bool wait(const std::vector<std::pair<int, std::string>>& conditions, double seconds, std::string& out) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    for (;;) {
      for (auto& r : received_) {
        if (!r.matched && matches(r.text, conditions)) {
          r.matched = true;
          out = r.text;
          return true;
        }
      }
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return false;
    }
  }

  std::size_t count(const std::vector<std::pair<int, std::string>>& conditions) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t n = 0;
    for (auto& r : received_) n += matches(r.text, conditions) ? 1 : 0;
    return n;
  }

 private:
  struct Received {
    std::string text;  // | for SOH
    bool matched;
  };

  static bool matches(const std::string& text, const std::vector<std::pair<int, std::string>>& conditions) {
    for (const auto& c : conditions) {
      const std::string field = "|" + std::to_string(c.first) + "=" + c.second + "|";
      if (("|" + text).find(field) == std::string::npos) return false;
    }
    return true;
  }

  void record(const FIX::Message& m) {
    std::lock_guard<std::mutex> lock(mutex_);
    received_.push_back(Received{printable(m.toString()), false});
    changed_.notify_all();
  }

  std::string password_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Received> received_;
};

std::vector<std::pair<int, std::string>> parseFields(std::istringstream& in) {
  std::vector<std::pair<int, std::string>> fields;
  std::string item;
  while (in >> item) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    fields.emplace_back(std::stoi(item.substr(0, eq)), item.substr(eq + 1));
  }
  return fields;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: quickfix_client PORT SENDER TARGET STORE_DIR [PASSWORD]\n";
    return 2;
  }
  const std::string port = argv[1], sender = argv[2], target = argv[3], storeDir = argv[4];
  const std::string password = argc > 5 ? argv[5] : "";
  // QF_RESET_ON_LOGOUT=Y: QuickFIX's ResetOnLogout (sequence numbers back to 1 after a clean Logout).
  const char* resetEnv = std::getenv("QF_RESET_ON_LOGOUT");
  const std::string resetOnLogout = resetEnv != nullptr && std::string(resetEnv) == "Y" ? "Y" : "N";
  std::ostringstream config;
  config << "[DEFAULT]\nConnectionType=initiator\nReconnectInterval=1\nFileStorePath=" << storeDir
         << "\nStartTime=00:00:00\nEndTime=00:00:00\nUseDataDictionary=N\nHeartBtInt=30\n"
         << "ValidateUserDefinedFields=N\nResetOnLogon=N\nResetOnLogout=" << resetOnLogout << "\nResetOnDisconnect=N\n"
         << "SocketConnectHost=127.0.0.1\nSocketConnectPort=" << port << "\n\n[SESSION]\nBeginString=FIX.4.4\n"
         << "SenderCompID=" << sender << "\nTargetCompID=" << target << "\n";
  std::istringstream configStream(config.str());
  FIX::SessionSettings settings(configStream);
  const FIX::SessionID id("FIX.4.4", sender, target);
  Recorder recorder(password);
  FIX::FileStoreFactory storeFactory(settings);
  FIX::ScreenLogFactory logFactory(false, false, false);
  std::unique_ptr<FIX::SocketInitiator> initiator;

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string command;
    in >> command;
    try {
      if (command == "start") {
        initiator.reset(new FIX::SocketInitiator(recorder, storeFactory, settings, logFactory));
        initiator->start();
      } else if (command == "stop" || command == "kill") {
        if (initiator) initiator->stop(command == "kill");
        initiator.reset();
      } else if (command == "drop") {
        if (FIX::Session* s = FIX::Session::lookupSession(id)) s->disconnect();
      } else if (command == "loggedon") {
        double seconds = 10;
        in >> seconds;
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
        bool on = false;
        while (std::chrono::steady_clock::now() < deadline) {
          FIX::Session* s = FIX::Session::lookupSession(id);
          if (s != nullptr && s->isLoggedOn()) {
            on = true;
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::cout << (on ? "LOGGEDON" : "TIMEOUT") << "\n";
      } else if (command == "send") {
        std::string type;
        in >> type;
        FIX::Message message;
        message.getHeader().setField(FIX::BeginString("FIX.4.4"));
        message.getHeader().setField(FIX::MsgType(type));
        for (const auto& f : parseFields(in)) message.setField(f.first, f.second);
        std::cout << (FIX::Session::sendToTarget(message, id) ? "SENT" : "NOTSENT") << "\n";
      } else if (command == "wait") {
        double seconds = 5;
        in >> seconds;
        std::string out;
        std::cout << (recorder.wait(parseFields(in), seconds, out) ? "MATCH " + out : std::string("TIMEOUT")) << "\n";
      } else if (command == "count") {
        std::cout << "COUNT " << recorder.count(parseFields(in)) << "\n";
      } else if (command == "seq") {
        FIX::Session* s = FIX::Session::lookupSession(id);
        if (s != nullptr) std::cout << "SEQ " << s->getExpectedSenderNum() << " " << s->getExpectedTargetNum() << "\n";
      } else if (command == "setseq") {
        int next = 0;
        in >> next;
        if (FIX::Session* s = FIX::Session::lookupSession(id)) s->setNextSenderMsgSeqNum(next);
      } else if (!command.empty()) {
        std::cout << "ERROR unknown command " << command << "\n";
      }
    } catch (const std::exception& e) {
      std::cout << "ERROR " << e.what() << "\n";
    }
    std::cout << "DONE" << std::endl;
  }
  if (initiator) initiator->stop(true);
  return 0;
}
