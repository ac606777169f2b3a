export { startFakeMysqlServer, FakeSession, type FakeServer, type FakePacket } from './server.js';
export {
  handshakePacket,
  okPacket,
  errPacket,
  eofPacket,
  columnDefinitionPacket,
  rowPacket,
  lenenc,
  lenencStr,
  parseClientHandshake,
  FAKE_SERVER_CAPABILITIES,
  type ColumnSpec,
  type HandshakeSpec,
  type ClientHandshake,
} from './packets.js';
export { startRecordingMysqlServer, type RecordingServer, type RecordingServerOptions, type RecordedStatement, type ScriptedReply } from './recording.js';
