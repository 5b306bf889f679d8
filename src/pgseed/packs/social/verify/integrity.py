"""Hard integrity of likes, matches, conversations, messages and the feed: each rule
counts offending rows and holds at exactly 0.

These are what the site's own seeder broke (issue 11): matches without the two LIKE rows
behind them, messages before their match, likes of oneself. Foreign keys and CHECK
constraints are not taken on trust: a database loaded some other way is caught too.
"""

from __future__ import annotations

from ....checks import Check, ZeroRule, zeros
from ....pg import Conn

LIKES = [
    ZeroRule(
        "every Match has both LIKE rows (A->B and B->A)",
        'SELECT count(*) FROM "Match" m WHERE NOT EXISTS (SELECT 1 FROM "Like" l'
        ' WHERE l."fromUserId" = m."userAId" AND l."toUserId" = m."userBId"'
        " AND l.action = 'LIKE') OR NOT EXISTS (SELECT 1 FROM \"Like\" l"
        ' WHERE l."fromUserId" = m."userBId" AND l."toUserId" = m."userAId"'
        " AND l.action = 'LIKE')",
    ),
    ZeroRule(
        "every mutual LIKE pair has a Match",
        'SELECT count(*) FROM "Like" a JOIN "Like" b ON b."fromUserId" = a."toUserId"'
        ' AND b."toUserId" = a."fromUserId"'
        " WHERE a.action = 'LIKE' AND b.action = 'LIKE' AND a.\"fromUserId\" < a.\"toUserId\""
        ' AND NOT EXISTS (SELECT 1 FROM "Match" m WHERE m."userAId" = a."fromUserId"'
        ' AND m."userBId" = a."toUserId")',
    ),
    ZeroRule(
        # Checked apart from the rules above: with A > B, no pair lookup can find the match.
        "a Match has userAId < userBId, and at most one Match per pair",
        'SELECT (SELECT count(*) FROM "Match" WHERE "userAId" >= "userBId")'
        ' + (SELECT count(*) FROM (SELECT 1 FROM "Match" GROUP BY least("userAId", "userBId"),'
        ' greatest("userAId", "userBId") HAVING count(*) > 1) d)',
    ),
    ZeroRule(
        "a Match's createdAt is the later of its two likes",
        'SELECT count(*) FROM "Match" m JOIN "Like" a ON a."fromUserId" = m."userAId"'
        ' AND a."toUserId" = m."userBId" JOIN "Like" b ON b."fromUserId" = m."userBId"'
        ' AND b."toUserId" = m."userAId"'
        ' WHERE m."createdAt" <> greatest(a."createdAt", b."createdAt")',
    ),
    ZeroRule(
        "no self-likes",
        'SELECT count(*) FROM "Like" WHERE "fromUserId" = "toUserId"',
    ),
    ZeroRule(
        "no self-views (ProfileView)",
        'SELECT count(*) FROM "ProfileView" WHERE "viewerUserId" = "viewedUserId"',
    ),
    ZeroRule(
        "no like to or from a deleted or unknown user",
        'SELECT count(*) FROM "Like" l LEFT JOIN "User" f ON f.id = l."fromUserId"'
        ' LEFT JOIN "User" t ON t.id = l."toUserId" WHERE f.id IS NULL OR t.id IS NULL'
        ' OR f."deletedAt" IS NOT NULL OR t."deletedAt" IS NOT NULL',
    ),
]

MESSAGES = [
    ZeroRule(
        "every Conversation belongs to a Match with the same two users",
        'SELECT count(*) FROM "Conversation" c LEFT JOIN "Match" m ON m.id = c."matchId"'
        ' WHERE m.id IS NULL OR c."userAId" <> m."userAId" OR c."userBId" <> m."userBId"',
    ),
    ZeroRule(
        "messages and conversations come after their match",
        'SELECT (SELECT count(*) FROM "Message" g JOIN "Conversation" c'
        ' ON c.id = g."conversationId" JOIN "Match" m ON m.id = c."matchId"'
        ' WHERE g."createdAt" < m."createdAt")'
        ' + (SELECT count(*) FROM "Conversation" c JOIN "Match" m ON m.id = c."matchId"'
        ' WHERE c."createdAt" < m."createdAt")',
    ),
    ZeroRule(
        "a message's sender is one of its conversation's two users",
        'SELECT count(*) FROM "Message" g LEFT JOIN "Conversation" c ON c.id = g."conversationId"'
        ' WHERE c.id IS NULL OR g."senderId" NOT IN (c."userAId", c."userBId")',
    ),
]

FEED = [
    ZeroRule(
        "LikedPost only for posts the user saw (FeedSeen)",
        'SELECT count(*) FROM "LikedPost" lp WHERE NOT EXISTS (SELECT 1 FROM "FeedSeen" f'
        ' WHERE f."viewerUserId" = lp."userId" AND f."itemType" = \'POST\''
        ' AND f."itemId" = lp."postId")',
    ),
    ZeroRule(
        "no like or feed view of one's own post",
        'SELECT (SELECT count(*) FROM "LikedPost" lp JOIN "Post" p ON p.id = lp."postId"'
        ' WHERE p."userId" = lp."userId") + (SELECT count(*) FROM "FeedSeen" f'
        ' JOIN "Post" p ON p.id = f."itemId" WHERE f."itemType" = \'POST\''
        ' AND p."userId" = f."viewerUserId")',
    ),
    ZeroRule(
        "a FeedSeen row points at a post, seen after it was written",
        'SELECT count(*) FROM "FeedSeen" f LEFT JOIN "Post" p ON p.id = f."itemId"'
        ' WHERE f."itemType" = \'POST\' AND (p.id IS NULL OR f."seenAt" < p."createdAt")',
    ),
]


def checks(conn: Conn) -> list[Check]:
    return zeros(conn, [*LIKES, *MESSAGES, *FEED])
