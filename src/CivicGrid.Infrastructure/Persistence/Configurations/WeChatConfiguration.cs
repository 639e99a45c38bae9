using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CivicGrid.Infrastructure.Persistence.Configurations;

internal sealed class WeChatConversationConfiguration : IEntityTypeConfiguration<WeChatConversation>
{
    public void Configure(EntityTypeBuilder<WeChatConversation> b)
    {
        b.ToTable("wechat_conversations");
        b.HasKey(c => c.OpenId);
        b.Property(c => c.OpenId).HasMaxLength(64);
        b.Property(c => c.Description).HasMaxLength(2000);
        b.Property(c => c.Address).HasMaxLength(256);
        b.Property(c => c.PictureUrls).HasMaxLength(4000);
        b.Property(c => c.Language).HasMaxLength(8);
        b.HasIndex(c => c.UpdatedAt);
    }
}

internal sealed class WeChatInboundMessageConfiguration : IEntityTypeConfiguration<WeChatInboundMessage>
{
    public void Configure(EntityTypeBuilder<WeChatInboundMessage> b)
    {
        b.ToTable("wechat_inbound_messages");
        b.HasKey(m => m.DeliveryKey);
        b.Property(m => m.DeliveryKey).HasMaxLength(128);
        b.Property(m => m.OpenId).HasMaxLength(64);
        b.Property(m => m.ReplyContent).HasMaxLength(2000);
        b.HasIndex(m => m.ReceivedAt);
    }
}
