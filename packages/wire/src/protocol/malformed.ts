import { ClientErrorCode, malformedPacket } from '@s2/base';

/** Client errno CR_MALFORMED_PACKET: the bytes do not form the packet the protocol expects. */
export const MALFORMED_PACKET = ClientErrorCode.MALFORMED_PACKET;

export const malformed = malformedPacket;
