using ActorChat.Storage;
using Akka.Actor;
using Akka.Cluster;

namespace ActorChat.Actors.Tests.Storage;

/// <summary>When a node may write to the journal: only while it sees a majority of the members and is not downed.</summary>
public sealed class WriteFenceSpecs
{
    private static readonly UniqueAddress[] Nodes = [.. Enumerable.Range(1, 5).Select(i => new UniqueAddress(new Address("akka.tcp", "actorchat", $"10.0.0.{i}", 2551), i))];

    private static Dictionary<UniqueAddress, MemberStatus> Members(int count, MemberStatus status = MemberStatus.Up) =>
        Nodes.Take(count).ToDictionary(node => node, _ => status);

    [Fact]
    public void A_node_that_reaches_every_member_or_is_alone_writes()
    {
        Assert.Null(WriteFence.Judge(Nodes[0], Members(3), new HashSet<UniqueAddress>()));
        Assert.Null(WriteFence.Judge(Nodes[0], Members(1), new HashSet<UniqueAddress>()));
    }

    [Fact]
    public void The_majority_side_of_a_partition_writes_and_the_lone_side_does_not()
    {
        // Node 3 is cut off from nodes 1 and 2: each side sees the other unreachable.
        Assert.Null(WriteFence.Judge(Nodes[0], Members(3), new HashSet<UniqueAddress> { Nodes[2] }));
        Assert.Equal("this node reaches 1 of the cluster's 3 members, no majority",
            WriteFence.Judge(Nodes[2], Members(3), new HashSet<UniqueAddress> { Nodes[0], Nodes[1] }));
    }

    [Fact]
    public void Neither_half_of_an_even_split_writes_until_the_other_half_is_downed()
    {
        var split = new HashSet<UniqueAddress> { Nodes[2], Nodes[3] };
        Assert.NotNull(WriteFence.Judge(Nodes[0], Members(4), split));

        // The resolver downed the other half: the members it decided about no longer count.
        var members = Members(4);
        members[Nodes[2]] = MemberStatus.Down;
        members[Nodes[3]] = MemberStatus.Down;
        Assert.Null(WriteFence.Judge(Nodes[0], members, split));
    }

    [Fact]
    public void A_downed_node_does_not_write_even_when_it_reaches_everyone()
    {
        var members = Members(3);
        members[Nodes[2]] = MemberStatus.Down;
        Assert.Equal("the cluster downed this node", WriteFence.Judge(Nodes[2], members, new HashSet<UniqueAddress>()));
    }

    [Fact]
    public void A_node_not_yet_a_member_is_not_fenced_and_joining_or_leaving_members_count()
    {
        Assert.Null(WriteFence.Judge(Nodes[4], Members(3), new HashSet<UniqueAddress>()));
        var members = Members(3);
        members[Nodes[1]] = MemberStatus.Leaving;
        members[Nodes[3]] = MemberStatus.Joining;
        // 4 members counted, 2 of them out of reach: no majority.
        Assert.NotNull(WriteFence.Judge(Nodes[0], members, new HashSet<UniqueAddress> { Nodes[1], Nodes[3] }));
        Assert.Null(WriteFence.Judge(Nodes[0], members, new HashSet<UniqueAddress> { Nodes[3] }));
    }
}
